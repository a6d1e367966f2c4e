using System.Text.RegularExpressions;

namespace Harness.Ec2.Protocol;

/// <summary>
/// The region of a request, from its SigV4 credential scope (<c>Credential=AKID/date/region/ec2/aws4_request</c>),
/// in the Authorization header or the presigned <c>X-Amz-Credential</c> parameter. Signatures are parsed, not verified.
/// </summary>
internal static partial class SigV4Scope
{
    public const string DefaultRegion = "us-east-1";

    public static string RegionOf(string? authorization, string? credentialParameter)
    {
        var credential = credentialParameter;
        if (authorization is not null)
        {
            var match = CredentialPattern().Match(authorization);
            credential = match.Success ? match.Groups[1].Value : credential;
        }

        var parts = credential?.Split('/');
        return parts is { Length: 5 } && RegionPattern().IsMatch(parts[2]) ? parts[2] : DefaultRegion;
    }

    [GeneratedRegex(@"Credential=([^,\s]+)")]
    private static partial Regex CredentialPattern();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial Regex RegionPattern();
}
