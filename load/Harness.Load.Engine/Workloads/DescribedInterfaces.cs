namespace Harness.Load.Workloads;

/// <summary>
/// What a DescribeNetworkInterfaces reply listed, read just far enough to check it: the interfaces' ids, the instances
/// they are attached to (unattached ones add none), and every private address they hold.
/// </summary>
public sealed record DescribedInterfaces(IReadOnlyList<string> Ids, IReadOnlyList<string> InstanceIds, IReadOnlyList<string> Addresses);
