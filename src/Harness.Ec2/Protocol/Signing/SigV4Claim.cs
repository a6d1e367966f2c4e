using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// What a SigV4 request says about its own signature, from the Authorization header or the presigned
/// <c>X-Amz-*</c> parameters; a request missing any of it is refused with IncompleteSignature before anything is computed.
/// </summary>
internal sealed record SigV4Claim(string Credential, IReadOnlyList<string> SignedHeaders, string Signature, string AmzDate, TimeSpan? Expires)
{
    /// <summary>The longest lifetime a presigned request may ask for: seven days.</summary>
    public const int MaxExpiresSeconds = 604800;

    private const string PresignedFields = "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date and X-Amz-SignedHeaders";

    public static SigV4Claim FromHeader(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        var space = authorization.IndexOf(' ');
        var algorithm = space < 0 ? authorization : authorization[..space];
        if (algorithm != SigV4Canonical.Algorithm)
        {
            throw SigV4Errors.IncompleteSignature($"Unsupported AWS 'algorithm': '{algorithm}'");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in authorization[(space + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq < 0)
            {
                throw SigV4Errors.IncompleteSignature($"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'.");
            }

            fields[part[..eq]] = part[(eq + 1)..];
        }

        var missing = string.Concat(new[] { "Credential", "Signature", "SignedHeaders" }
            .Where(name => !fields.ContainsKey(name))
            .Select(name => $"Authorization header requires '{name}' parameter. "));
        var amzDate = headers.TryGetValue("X-Amz-Date", out var amz) && amz.Count > 0 ? amz.ToString()
            : headers.Date.Count > 0 && DateTimeOffset.TryParse(headers.Date.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                ? date.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
                : null;
        if (amzDate is null)
        {
            missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
        }

        if (missing.Length > 0)
        {
            throw SigV4Errors.IncompleteSignature($"{missing}Authorization={authorization}");
        }

        return new SigV4Claim(fields["Credential"], fields["SignedHeaders"].Split(';'), fields["Signature"], amzDate!, null);
    }

    public static SigV4Claim FromQuery(IReadOnlyDictionary<string, string> query)
    {
        string Required(string name) => query.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw SigV4Errors.IncompleteSignature($"AWS query-string parameters must include {PresignedFields}. Re-examine the query-string parameters.");

        var algorithm = Required("X-Amz-Algorithm");
        var claim = new SigV4Claim(
            Required("X-Amz-Credential"), Required("X-Amz-SignedHeaders").Split(';'), Required("X-Amz-Signature"), Required("X-Amz-Date"), null);
        if (algorithm != SigV4Canonical.Algorithm)
        {
            throw SigV4Errors.IncompleteSignature($"Unsupported AWS 'algorithm': '{algorithm}'");
        }

        if (!query.TryGetValue("X-Amz-Expires", out var expires))
        {
            return claim;
        }

        return int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= MaxExpiresSeconds
            ? claim with { Expires = TimeSpan.FromSeconds(seconds) }
            : throw SigV4Errors.IncompleteSignature($"X-Amz-Expires must be a whole number of seconds from 1 to {MaxExpiresSeconds} (seven days), not '{expires}'.");
    }
}
