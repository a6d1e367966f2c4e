namespace Harness.Load.Ec2Bench;

/// <summary>One network interface the workloads drive, with the primary address it was created with.</summary>
internal sealed record Eni(string Id, string PrimaryIp);
