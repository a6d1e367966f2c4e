namespace Harness.Load.Workloads;

/// <summary>A DescribeNetworkInterfaces reply: the API's reply, and what it listed when it succeeded.</summary>
public sealed record DescribeReply(ApiReply Reply, DescribedInterfaces? Found);
