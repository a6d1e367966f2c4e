using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Harness.Ecs.Protocol;

/// <summary>
/// A request's signature, parsed by the rules the clients sign with (ALIBABA.md §1.2, §1.3): an ACS3-HMAC-SHA256
/// <c>Authorization</c> header over the <c>x-acs-*</c> headers, or HMAC-SHA1 parameters. A malformed one is refused as
/// Alibaba refuses it (<c>IncompleteSignature</c>, 400); a request with none is served, as the EC2 port serves an
/// unsigned one (curl, wrk). Whether a signature is right is not checked here: that is signature verification's, which
/// the Alibaba port does not do yet.
/// </summary>
internal static class AcsSignature
{
    private const string Acs3Algorithm = "ACS3-HMAC-SHA256";

    /// <summary>The other V3 algorithms Alibaba documents (SM3, RSA); their form is the same, so they are read too.</summary>
    private static readonly string[] Acs3Algorithms = [Acs3Algorithm, "ACS3-HMAC-SM3", "ACS3-RSA-SHA256"];

    /// <summary>Checks the request's signature: the header when there is one, else the parameters, if any.</summary>
    /// <exception cref="AlibabaException"><c>IncompleteSignature</c> when what is there is not a whole signature.</exception>
    public static void Check(HttpRequest request, RpcParameters parameters)
    {
        if (request.Headers.Authorization is { Count: > 0 } header)
        {
            CheckAcs3(request, header[0] ?? "");
        }
        else if (parameters.Get("Signature") is not null || parameters.Get("SignatureMethod") is not null)
        {
            CheckHmacSha1(parameters);
        }
    }

    private static void CheckAcs3(HttpRequest request, string header)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? header : header[..space];
        if (!Acs3Algorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            throw Incomplete($"The Authorization header's algorithm \"{algorithm}\" is not one of {string.Join(", ", Acs3Algorithms)}.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in header[(space + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = eq < 0 ? (part, "") : (part[..eq], part[(eq + 1)..]);
            switch (name)
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (string.IsNullOrEmpty(credential) || string.IsNullOrEmpty(signedHeaders) || string.IsNullOrEmpty(signature))
        {
            throw Incomplete("The Authorization header must carry Credential, SignedHeaders and Signature.");
        }

        if (!signature.All(char.IsAsciiHexDigit))
        {
            throw Incomplete("The Authorization header's Signature is not hexadecimal.");
        }

        // Every header the client says it signed must be there to be signed: host and the x-acs-* ones at least.
        var names = signedHeaders.Split(';');
        if (!names.Contains("host", StringComparer.Ordinal))
        {
            throw Incomplete("SignedHeaders must include host.");
        }

        if (names.FirstOrDefault(n => n.Length == 0 || !request.Headers.ContainsKey(n)) is { } absent)
        {
            throw Incomplete($"The signed header \"{absent}\" is not in the request.");
        }

        if (!IsTimestamp(request.Headers["x-acs-date"].ToString()))
        {
            throw Incomplete("The x-acs-date header must be a UTC time such as 2026-12-08T01:02:03Z.");
        }

        if (string.IsNullOrEmpty(request.Headers["x-acs-signature-nonce"].ToString()))
        {
            throw Incomplete("The x-acs-signature-nonce header is missing.");
        }
    }

    private static void CheckHmacSha1(RpcParameters parameters)
    {
        if (parameters.Get("SignatureMethod") is not "HMAC-SHA1")
        {
            throw Incomplete("SignatureMethod must be HMAC-SHA1.");
        }

        if (parameters.Get("SignatureVersion") is not "1.0")
        {
            throw Incomplete("SignatureVersion must be 1.0.");
        }

        var signature = parameters.Get("Signature");
        if (signature is null || !Convert.TryFromBase64String(signature, new byte[signature.Length], out var length) || length != 20)
        {
            throw Incomplete("Signature must be the Base64 of an HMAC-SHA1 (20 bytes).");
        }

        if (parameters.Get("AccessKeyId") is null)
        {
            throw Incomplete("AccessKeyId is missing.");
        }

        if (parameters.Get("SignatureNonce") is null)
        {
            throw Incomplete("SignatureNonce is missing.");
        }

        if (!IsTimestamp(parameters.Get("Timestamp")))
        {
            throw Incomplete("Timestamp must be a UTC time such as 2026-12-08T01:02:03Z.");
        }
    }

    /// <summary><c>YYYY-MM-DDThh:mm:ssZ</c>, the one form the clients send (fractions of a second are taken too).</summary>
    private static bool IsTimestamp(string? text) =>
        text is { Length: > 0 }
        && DateTimeOffset.TryParseExact(
            text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out _);

    private static AlibabaException Incomplete(string message) => new("IncompleteSignature", message);
}
