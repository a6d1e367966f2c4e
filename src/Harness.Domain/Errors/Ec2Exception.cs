namespace Harness.Domain.Errors;

/// <summary>
/// An EC2 error with its wire code, message and HTTP status. Thrown anywhere in the control plane and rendered
/// by the protocol adapter as EC2's error envelope; state is left unchanged by whoever throws it.
/// </summary>
public sealed class Ec2Exception(string code, string message, int statusCode = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}
