namespace Harness.Load.Workloads;

/// <summary>One reply of a cloud's API (EC2's Query XML, or Alibaba's RPC JSON): status, body, and the error code when it is an error.</summary>
public readonly record struct ApiReply(int Status, string Body, string? ErrorCode)
{
    public bool IsOk => ErrorCode is null;
}
