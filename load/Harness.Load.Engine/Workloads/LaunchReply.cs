namespace Harness.Load.Workloads;

/// <summary>A one-instance launch: the API's reply, and the new instance's id when it succeeded.</summary>
public sealed record LaunchReply(ApiReply Reply, string? InstanceId);
