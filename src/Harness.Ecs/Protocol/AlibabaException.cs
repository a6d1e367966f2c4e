namespace Harness.Ecs.Protocol;

/// <summary>An Alibaba Cloud API error: its code, message and HTTP status, rendered as Alibaba's error body.</summary>
internal sealed class AlibabaException(string code, string message, int statusCode = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}
