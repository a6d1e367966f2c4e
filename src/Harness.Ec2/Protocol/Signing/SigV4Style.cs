using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c>), in the Authorization header or presigned in the query string,
/// checked as EC2 checks it: the credential scope <c>date/region/ec2/aws4_request</c>, a known access key, a date within
/// 15 minutes of the harness clock (or, presigned, not past <c>X-Amz-Expires</c>), then the signature itself.
/// </summary>
internal sealed class SigV4Style : ISignatureStyle
{
    public const string Service = "ec2";

    /// <summary>How far a request's date may be from the server's clock, either way.</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);

    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public bool Recognises(SignedRequest request) =>
        request.Headers.Authorization.Count > 0
        || request.QueryParameters.ContainsKey("X-Amz-Algorithm")
        || request.QueryParameters.ContainsKey("X-Amz-Credential")
        || request.QueryParameters.ContainsKey("X-Amz-Signature");

    public void Verify(SignedRequest request, IReadOnlyDictionary<string, string> credentials, DateTimeOffset now)
    {
        var presigned = request.Headers.Authorization.Count == 0;
        var claim = presigned ? SigV4Claim.FromQuery(request.QueryParameters) : SigV4Claim.FromHeader(request.Headers);

        var scope = claim.Credential.Split('/');
        if (scope.Length != 5)
        {
            throw SigV4Errors.IncompleteSignature(
                $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{claim.Credential}'");
        }

        var (accessKey, scopeDate, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        if (!credentials.TryGetValue(accessKey, out var secret))
        {
            throw SigV4Errors.AuthFailure();
        }

        if (terminator != SigV4Canonical.Terminator)
        {
            throw SigV4Errors.SignatureDoesNotMatch($"Credential should be scoped with a valid terminator: '{SigV4Canonical.Terminator}', not '{terminator}'.");
        }

        if (service != Service)
        {
            throw SigV4Errors.SignatureDoesNotMatch($"Credential should be scoped to correct service: '{Service}'. ");
        }

        var signedAt = ParseDate(claim.AmzDate);
        if (scopeDate != claim.AmzDate[..8])
        {
            throw SigV4Errors.SignatureDoesNotMatch(
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{claim.AmzDate[..8]}', from '{claim.AmzDate}'.");
        }

        CheckTime(signedAt, claim.Expires, now);

        var payloadHash = SigV4Canonical.HexSha256(request.Body);
        if (request.Headers.TryGetValue("x-amz-content-sha256", out var declared) && declared.Count > 0
            && !string.Equals(declared[0], payloadHash, StringComparison.OrdinalIgnoreCase))
        {
            throw SigV4Errors.SignatureDoesNotMatch();
        }

        var canonicalRequest = SigV4Canonical.CanonicalRequest(
            request.Method,
            SigV4Canonical.CanonicalUri(request.RawPath),
            SigV4Canonical.CanonicalQuery(request.RawQuery, skip: presigned ? "X-Amz-Signature" : null),
            SigV4Canonical.CanonicalHeaders(claim.SignedHeaders, name => request.Headers.TryGetValue(name, out var v) ? v.Select(s => s ?? "").ToArray() : null),
            string.Join(';', claim.SignedHeaders),
            payloadHash);
        var stringToSign = SigV4Canonical.StringToSign(claim.AmzDate, string.Join('/', scope[1..]), canonicalRequest);
        var expected = SigV4Canonical.Signature(secret, scopeDate, region, service, stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(claim.Signature.ToLowerInvariant())))
        {
            throw SigV4Errors.SignatureDoesNotMatch();
        }
    }

    /// <summary>
    /// A signed request is good for 15 minutes either side of its date; a presigned one from its date (less the same
    /// skew) until its expiry.
    /// </summary>
    private static void CheckTime(DateTimeOffset signedAt, TimeSpan? expires, DateTimeOffset now)
    {
        var late = expires is { } lifetime ? now > signedAt + lifetime : now - signedAt > AllowedSkew;
        if (late || signedAt - now > AllowedSkew)
        {
            throw SigV4Errors.RequestExpired();
        }
    }

    private static DateTimeOffset ParseDate(string amzDate) =>
        DateTimeOffset.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw SigV4Errors.IncompleteSignature($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
}
