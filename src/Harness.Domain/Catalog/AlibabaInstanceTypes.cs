namespace Harness.Domain.Catalog;

/// <summary>
/// The ECS instance types the harness knows, with their ENI and per-ENI private IPv4 quotas from Alibaba's "General
/// purpose instance families" tables (ALIBABA.md §5). Whether the per-ENI figure counts the primary address is
/// unconfirmed; the harness counts it, as EC2's tables do.
/// </summary>
public static class AlibabaInstanceTypes
{
    /// <summary>The default when RunInstances names no type (the ECS SDK marks InstanceType required for most calls).</summary>
    public const string Default = "ecs.g7.large";

    public static IReadOnlyDictionary<string, InstanceTypeInfo> All { get; } = new InstanceTypeInfo[]
    {
        // name, vCPUs, memory MiB, ENIs, private IPv4 per ENI, IPv6 per ENI, network cards, hypervisor, current, architecture, bandwidth
        new("ecs.g7.large", 2, 8192, 3, 6, 6, 1, "kvm", true, "x86_64", "Up to 10 Gbit/s"),
        new("ecs.g7.xlarge", 4, 16384, 4, 15, 15, 1, "kvm", true, "x86_64", "Up to 10 Gbit/s"),
        new("ecs.g7.2xlarge", 8, 32768, 4, 15, 15, 1, "kvm", true, "x86_64", "Up to 15 Gbit/s"),
        new("ecs.g7.4xlarge", 16, 65536, 8, 30, 30, 1, "kvm", true, "x86_64", "Up to 25 Gbit/s"),
        new("ecs.g6.large", 2, 8192, 2, 6, 1, 1, "kvm", true, "x86_64", "Up to 10 Gbit/s"),
        new("ecs.g6.xlarge", 4, 16384, 3, 10, 1, 1, "kvm", true, "x86_64", "Up to 10 Gbit/s"),
        new("ecs.g6.2xlarge", 8, 32768, 4, 10, 1, 1, "kvm", true, "x86_64", "Up to 10 Gbit/s"),
        new("ecs.g6.4xlarge", 16, 65536, 8, 20, 1, 1, "kvm", true, "x86_64", "Up to 10 Gbit/s"),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);
}
