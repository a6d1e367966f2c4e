using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol.Signing;

/// <summary>EC2's answers to a signature it cannot accept (sources in docs/ec2-error-messages.md).</summary>
internal static class SigV4Errors
{
    public const string SignatureDoesNotMatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /// <summary>An unknown access key, and an unsigned request: EC2 answers both with 401 AuthFailure.</summary>
    public static Ec2Exception AuthFailure() => new("AuthFailure", "AWS was not able to validate the provided access credentials", 401);

    public static Ec2Exception SignatureDoesNotMatch(string? detail = null) =>
        new("SignatureDoesNotMatch", detail ?? SignatureDoesNotMatchMessage, 403);

    public static Ec2Exception IncompleteSignature(string message) => new("IncompleteSignature", message, 400);

    public static Ec2Exception RequestExpired() => new("RequestExpired", "Request has expired.", 400);
}
