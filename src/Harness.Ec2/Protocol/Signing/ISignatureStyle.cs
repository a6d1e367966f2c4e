namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// One way of signing requests (AWS SigV4 today; Alibaba's RPC signature would be another). The gate asks each style
/// whether a request carries its kind of signature and lets the first that does verify it.
/// </summary>
internal interface ISignatureStyle
{
    /// <summary>Whether the request carries this style's signature (a header or parameters of its own), valid or not.</summary>
    bool Recognises(SignedRequest request);

    /// <summary>
    /// Returns when the request is signed by one of <paramref name="credentials"/> (access key to secret) at a time
    /// close enough to <paramref name="now"/>; otherwise throws the service's own error.
    /// </summary>
    void Verify(SignedRequest request, IReadOnlyDictionary<string, string> credentials, DateTimeOffset now);
}
