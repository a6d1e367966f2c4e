namespace Harness.Domain.Errors;

/// <summary>
/// An EC2 error with its wire code, message and HTTP status. Thrown anywhere in the control plane and rendered
/// by the protocol adapter as EC2's error envelope; state is left unchanged by whoever throws it. It flows back
/// through grain calls to the caller, so it carries its own serializer.
/// </summary>
[GenerateSerializer]
public sealed class Ec2Exception : Exception
{
    public Ec2Exception(string code, string message, int statusCode = 400)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
    }

    [Id(0)]
    public string Code { get; }

    [Id(1)]
    public int StatusCode { get; }
}
