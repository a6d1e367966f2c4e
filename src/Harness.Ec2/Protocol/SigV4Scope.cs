using System.Text.RegularExpressions;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// The region of a request, from its SigV4 credential scope (<c>Credential=AKID/date/region/ec2/aws4_request</c>),
/// in the Authorization header or the presigned <c>X-Amz-Credential</c> parameter. The signature itself is checked only
/// with <c>serve --verify-signatures</c>, by <see cref="Signing.SignatureGate"/> before this runs.
/// </summary>
internal static partial class SigV4Scope
{
    public const string DefaultRegion = "us-east-1";

    /// <summary>
    /// The scope's region; <see cref="DefaultRegion"/> when the request carries no scope (unsigned, or a credential not
    /// of the five-part form). A scope naming something that is not a real region is refused as EC2 refuses credentials
    /// it cannot validate, rather than quietly served from another region's state.
    /// </summary>
    public static string RegionOf(string? authorization, string? credentialParameter)
    {
        var credential = credentialParameter;
        if (authorization is not null)
        {
            var match = CredentialPattern().Match(authorization);
            credential = match.Success ? match.Groups[1].Value : credential;
        }

        var parts = credential?.Split('/');
        if (parts is not { Length: 5 })
        {
            return DefaultRegion;
        }

        return AwsRegions.All.Contains(parts[2])
            ? parts[2]
            : throw new Ec2Exception("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
    }

    [GeneratedRegex(@"Credential=([^,\s]+)")]
    private static partial Regex CredentialPattern();
}
