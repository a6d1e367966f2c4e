using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// The pieces of AWS Signature Version 4 that both signer and verifier compute: the canonical request, the string to
/// sign, the signing key and the signature. Pure functions of their inputs, so they can be checked against AWS's
/// published examples.
/// </summary>
internal static class SigV4Canonical
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public const string Terminator = "aws4_request";

    public static string CanonicalRequest(
        string method, string canonicalUri, string canonicalQuery, string canonicalHeaders, string signedHeaders, string payloadHash) =>
        $"{method}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    /// <summary>HMAC-SHA256 of the string to sign under the key derived from secret, date, region and service; hex.</summary>
    public static string Signature(string secret, string date, string region, string service, string stringToSign)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, Terminator);
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    public static string HexSha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The path as the client sent it, with <c>.</c> and <c>..</c> segments resolved and every byte outside the
    /// unreserved set and <c>/</c> percent-encoded once more (so a sent <c>%2F</c> becomes <c>%252F</c>): the
    /// "encode each segment twice" rule every service but S3 follows, and what botocore computes from the path it sends.
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        var segments = new List<string>();
        var parts = rawPath.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            switch (parts[i])
            {
                case ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    segments.Add(parts[i]);
                    break;
            }
        }

        // A trailing dot segment leaves the path ending in '/', as RFC 3986's remove_dot_segments does.
        var last = parts[^1];
        var path = "/" + string.Join('/', segments) + (last is "." or ".." && segments.Count > 0 ? "/" : "");
        return Encode(path, keepSlash: true);
    }

    /// <summary>
    /// A query component decoded as AWS reads it: <c>+</c> is a space (botocore sends spaces so, signing them as
    /// <c>%20</c>), a literal plus arrives as <c>%2B</c>.
    /// </summary>
    public static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));

    /// <summary>
    /// The query's parameters decoded and re-encoded the SigV4 way (space as <c>%20</c>, unreserved bytes bare),
    /// sorted by name then value, <paramref name="skip"/> (the presigned signature) left out.
    /// </summary>
    public static string CanonicalQuery(string rawQuery, string? skip = null)
    {
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        var pairs = new List<(string Name, string Value)>();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            if (name == skip)
            {
                continue;
            }

            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            pairs.Add((Encode(name, keepSlash: false), Encode(value, keepSlash: false)));
        }

        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>One <c>name:value</c> line per signed header: values trimmed, inner runs of spaces collapsed, repeats joined with commas.</summary>
    public static string CanonicalHeaders(IReadOnlyList<string> signedHeaders, Func<string, IReadOnlyList<string>?> valuesOf)
    {
        var text = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var values = valuesOf(name) ?? [];
            text.Append(name).Append(':').AppendJoin(',', values.Select(Collapse)).Append('\n');
        }

        return text.ToString();
    }

    private static string Collapse(string value)
    {
        var trimmed = value.Trim();
        var text = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (c != ' ' || text.Length == 0 || text[^1] != ' ')
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Encode(string value, bool keepSlash)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
