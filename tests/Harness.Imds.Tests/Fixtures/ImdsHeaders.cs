namespace Harness.Imds.Tests.Fixtures;

/// <summary>The headers IMDS and the harness read.</summary>
public static class ImdsHeaders
{
    public const string Token = "X-aws-ec2-metadata-token";
    public const string Ttl = "X-aws-ec2-metadata-token-ttl-seconds";
    public const string Instance = "X-Harness-Instance-Id";
    public const string ForwardedFor = "X-Forwarded-For";
}
