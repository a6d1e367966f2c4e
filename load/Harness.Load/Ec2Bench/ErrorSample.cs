namespace Harness.Load.Ec2Bench;

/// <summary>One refused exchange, exactly: what a bug report against the server needs.</summary>
internal sealed record ErrorSample(string Request, int Status, string Response);
