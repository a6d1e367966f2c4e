namespace Harness.Domain.Catalog;

/// <summary>The instance types the harness knows, with the networking limits EC2 enforces.</summary>
/// <remarks>
/// Values are taken from EC2 DescribeInstanceTypes output (as captured in moto 5.2.1's
/// <c>ec2/resources/instance_types.json</c>), which matches AWS's "IP addresses per network interface per
/// instance type" tables. Bare-metal types report no hypervisor in EC2; they are recorded here as "nitro".
/// </remarks>
public static class InstanceTypeCatalog
{
    /// <summary>All known types, keyed by name (for example <c>m5.large</c>).</summary>
    public static IReadOnlyDictionary<string, InstanceTypeInfo> All { get; } = Build();

    public static bool TryGet(string name, out InstanceTypeInfo info) => All.TryGetValue(name, out info!);

    /// <summary>A type of either cloud (EC2's, or Alibaba's <c>ecs.*</c>): what grains look a running instance's type up in.</summary>
    public static InstanceTypeInfo Of(string name) => All.TryGetValue(name, out var info) ? info : AlibabaInstanceTypes.All[name];

    private static Dictionary<string, InstanceTypeInfo> Build()
    {
        var types = new InstanceTypeInfo[]
        {
            // name, vCPUs, memory MiB, max network interfaces, IPv4 addresses per interface, IPv6 per interface, network cards, hypervisor, current generation, architecture, network performance
            // t2
            new("t2.nano", 1, 512, 2, 2, 2, 1, "xen", true, "x86_64", "Low to Moderate"),
            new("m1.small", 1, 1740, 2, 4, 0, 1, "xen", false, "x86_64", "Low"), // the default when RunInstances names no type
            new("t2.micro", 1, 1024, 2, 2, 2, 1, "xen", true, "x86_64", "Low to Moderate"),
            new("t2.small", 1, 2048, 3, 4, 4, 1, "xen", true, "x86_64", "Low to Moderate"),
            new("t2.medium", 2, 4096, 3, 6, 6, 1, "xen", true, "x86_64", "Low to Moderate"),
            new("t2.large", 2, 8192, 3, 12, 12, 1, "xen", true, "x86_64", "Low to Moderate"),
            new("t2.xlarge", 4, 16384, 3, 15, 15, 1, "xen", true, "x86_64", "Moderate"),
            new("t2.2xlarge", 8, 32768, 3, 15, 15, 1, "xen", true, "x86_64", "Moderate"),
            // t3
            new("t3.nano", 2, 512, 2, 2, 2, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3.micro", 2, 1024, 2, 2, 2, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3.small", 2, 2048, 3, 4, 4, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3.medium", 2, 4096, 3, 6, 6, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3.large", 2, 8192, 3, 12, 12, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            // t3a
            new("t3a.nano", 2, 512, 2, 2, 2, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3a.micro", 2, 1024, 2, 2, 2, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3a.small", 2, 2048, 2, 4, 4, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3a.medium", 2, 4096, 3, 6, 6, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3a.large", 2, 8192, 3, 12, 12, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3a.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            new("t3a.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 5 Gigabit"),
            // t4g
            new("t4g.nano", 2, 512, 2, 2, 2, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            new("t4g.micro", 2, 1024, 2, 2, 2, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            new("t4g.small", 2, 2048, 3, 4, 4, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            new("t4g.medium", 2, 4096, 3, 6, 6, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            new("t4g.large", 2, 8192, 3, 12, 12, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            new("t4g.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            new("t4g.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 5 Gigabit"),
            // m5
            new("m5.large", 2, 8192, 3, 10, 10, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("m5.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("m5.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("m5.4xlarge", 16, 65536, 8, 30, 30, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("m5.8xlarge", 32, 131072, 8, 30, 30, 1, "nitro", false, "x86_64", "10 Gigabit"),
            new("m5.12xlarge", 48, 196608, 8, 30, 30, 1, "nitro", false, "x86_64", "12 Gigabit"),
            new("m5.16xlarge", 64, 262144, 15, 50, 50, 1, "nitro", false, "x86_64", "20 Gigabit"),
            new("m5.24xlarge", 96, 393216, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            new("m5.metal", 96, 393216, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            // m5a
            new("m5a.large", 2, 8192, 3, 10, 10, 1, "nitro", true, "x86_64", "Up to 10 Gigabit"),
            new("m5a.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 10 Gigabit"),
            new("m5a.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 10 Gigabit"),
            new("m5a.4xlarge", 16, 65536, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 10 Gigabit"),
            new("m5a.8xlarge", 32, 131072, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 10 Gigabit"),
            new("m5a.12xlarge", 48, 196608, 8, 30, 30, 1, "nitro", true, "x86_64", "10 Gigabit"),
            new("m5a.16xlarge", 64, 262144, 15, 50, 50, 1, "nitro", true, "x86_64", "12 Gigabit"),
            new("m5a.24xlarge", 96, 393216, 15, 50, 50, 1, "nitro", true, "x86_64", "20 Gigabit"),
            // m6i
            new("m6i.large", 2, 8192, 3, 10, 10, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("m6i.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("m6i.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("m6i.4xlarge", 16, 65536, 8, 30, 30, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("m6i.8xlarge", 32, 131072, 8, 30, 30, 1, "nitro", false, "x86_64", "12.5 Gigabit"),
            new("m6i.12xlarge", 48, 196608, 8, 30, 30, 1, "nitro", false, "x86_64", "18.75 Gigabit"),
            new("m6i.16xlarge", 64, 262144, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            new("m6i.24xlarge", 96, 393216, 15, 50, 50, 1, "nitro", false, "x86_64", "37.5 Gigabit"),
            new("m6i.32xlarge", 128, 524288, 15, 50, 50, 1, "nitro", false, "x86_64", "50 Gigabit"),
            new("m6i.metal", 128, 524288, 15, 50, 50, 1, "nitro", false, "x86_64", "50 Gigabit"),
            // m6g
            new("m6g.medium", 1, 4096, 2, 4, 4, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("m6g.large", 2, 8192, 3, 10, 10, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("m6g.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("m6g.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("m6g.4xlarge", 16, 65536, 8, 30, 30, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("m6g.8xlarge", 32, 131072, 8, 30, 30, 1, "nitro", true, "arm64", "12 Gigabit"),
            new("m6g.12xlarge", 48, 196608, 8, 30, 30, 1, "nitro", true, "arm64", "20 Gigabit"),
            new("m6g.16xlarge", 64, 262144, 15, 50, 50, 1, "nitro", true, "arm64", "25 Gigabit"),
            new("m6g.metal", 64, 262144, 15, 50, 50, 1, "nitro", true, "arm64", "25 Gigabit"),
            // m7i
            new("m7i.large", 2, 8192, 3, 10, 10, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("m7i.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("m7i.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("m7i.4xlarge", 16, 65536, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("m7i.8xlarge", 32, 131072, 8, 30, 30, 1, "nitro", true, "x86_64", "12.5 Gigabit"),
            new("m7i.12xlarge", 48, 196608, 8, 30, 30, 1, "nitro", true, "x86_64", "18.75 Gigabit"),
            new("m7i.16xlarge", 64, 262144, 15, 50, 50, 1, "nitro", true, "x86_64", "25 Gigabit"),
            new("m7i.24xlarge", 96, 393216, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("m7i.48xlarge", 192, 786432, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            new("m7i.metal-24xl", 96, 393216, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("m7i.metal-48xl", 192, 786432, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            // m7g
            new("m7g.medium", 1, 4096, 2, 4, 4, 1, "nitro", true, "arm64", "Up to 12.5 Gigabit"),
            new("m7g.large", 2, 8192, 3, 10, 10, 1, "nitro", true, "arm64", "Up to 12.5 Gigabit"),
            new("m7g.xlarge", 4, 16384, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 12.5 Gigabit"),
            new("m7g.2xlarge", 8, 32768, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 15 Gigabit"),
            new("m7g.4xlarge", 16, 65536, 8, 30, 30, 1, "nitro", true, "arm64", "Up to 15 Gigabit"),
            new("m7g.8xlarge", 32, 131072, 8, 30, 30, 1, "nitro", true, "arm64", "15 Gigabit"),
            new("m7g.12xlarge", 48, 196608, 8, 30, 30, 1, "nitro", true, "arm64", "22.5 Gigabit"),
            new("m7g.16xlarge", 64, 262144, 15, 50, 50, 1, "nitro", true, "arm64", "30 Gigabit"),
            new("m7g.metal", 64, 262144, 15, 50, 50, 1, "nitro", true, "arm64", "30 Gigabit"),
            // c5
            new("c5.large", 2, 4096, 3, 10, 10, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("c5.xlarge", 4, 8192, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("c5.2xlarge", 8, 16384, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("c5.4xlarge", 16, 32768, 8, 30, 30, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("c5.9xlarge", 36, 73728, 8, 30, 30, 1, "nitro", false, "x86_64", "12 Gigabit"),
            new("c5.12xlarge", 48, 98304, 8, 30, 30, 1, "nitro", false, "x86_64", "12 Gigabit"),
            new("c5.18xlarge", 72, 147456, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            new("c5.24xlarge", 96, 196608, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            new("c5.metal", 96, 196608, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            // c5n
            new("c5n.large", 2, 5376, 3, 10, 10, 1, "nitro", true, "x86_64", "Up to 25 Gigabit"),
            new("c5n.xlarge", 4, 10752, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 25 Gigabit"),
            new("c5n.2xlarge", 8, 21504, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 25 Gigabit"),
            new("c5n.4xlarge", 16, 43008, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 25 Gigabit"),
            new("c5n.9xlarge", 36, 98304, 8, 30, 30, 1, "nitro", true, "x86_64", "50 Gigabit"),
            new("c5n.18xlarge", 72, 196608, 15, 50, 50, 1, "nitro", true, "x86_64", "100 Gigabit"),
            new("c5n.metal", 72, 196608, 15, 50, 50, 1, "nitro", true, "x86_64", "100 Gigabit"),
            // c6i
            new("c6i.large", 2, 4096, 3, 10, 10, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c6i.xlarge", 4, 8192, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c6i.2xlarge", 8, 16384, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c6i.4xlarge", 16, 32768, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c6i.8xlarge", 32, 65536, 8, 30, 30, 1, "nitro", true, "x86_64", "12.5 Gigabit"),
            new("c6i.12xlarge", 48, 98304, 8, 30, 30, 1, "nitro", true, "x86_64", "18.75 Gigabit"),
            new("c6i.16xlarge", 64, 131072, 15, 50, 50, 1, "nitro", true, "x86_64", "25 Gigabit"),
            new("c6i.24xlarge", 96, 196608, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("c6i.32xlarge", 128, 262144, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            new("c6i.metal", 128, 262144, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            // c6g
            new("c6g.medium", 1, 2048, 2, 4, 4, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("c6g.large", 2, 4096, 3, 10, 10, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("c6g.xlarge", 4, 8192, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("c6g.2xlarge", 8, 16384, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("c6g.4xlarge", 16, 32768, 8, 30, 30, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("c6g.8xlarge", 32, 65536, 8, 30, 30, 1, "nitro", true, "arm64", "12 Gigabit"),
            new("c6g.12xlarge", 48, 98304, 8, 30, 30, 1, "nitro", true, "arm64", "20 Gigabit"),
            new("c6g.16xlarge", 64, 131072, 15, 50, 50, 1, "nitro", true, "arm64", "25 Gigabit"),
            new("c6g.metal", 64, 131072, 15, 50, 50, 1, "nitro", true, "arm64", "25 Gigabit"),
            // c7i
            new("c7i.large", 2, 4096, 3, 10, 10, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c7i.xlarge", 4, 8192, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c7i.2xlarge", 8, 16384, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c7i.4xlarge", 16, 32768, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("c7i.8xlarge", 32, 65536, 8, 30, 30, 1, "nitro", true, "x86_64", "12.5 Gigabit"),
            new("c7i.12xlarge", 48, 98304, 8, 30, 30, 1, "nitro", true, "x86_64", "18.75 Gigabit"),
            new("c7i.16xlarge", 64, 131072, 15, 50, 50, 1, "nitro", true, "x86_64", "25 Gigabit"),
            new("c7i.24xlarge", 96, 196608, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("c7i.48xlarge", 192, 393216, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            new("c7i.metal-24xl", 96, 196608, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("c7i.metal-48xl", 192, 393216, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            // c7g
            new("c7g.medium", 1, 2048, 2, 4, 4, 1, "nitro", true, "arm64", "Up to 12.5 Gigabit"),
            new("c7g.large", 2, 4096, 3, 10, 10, 1, "nitro", true, "arm64", "Up to 12.5 Gigabit"),
            new("c7g.xlarge", 4, 8192, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 12.5 Gigabit"),
            new("c7g.2xlarge", 8, 16384, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 15 Gigabit"),
            new("c7g.4xlarge", 16, 32768, 8, 30, 30, 1, "nitro", true, "arm64", "Up to 15 Gigabit"),
            new("c7g.8xlarge", 32, 65536, 8, 30, 30, 1, "nitro", true, "arm64", "15 Gigabit"),
            new("c7g.12xlarge", 48, 98304, 8, 30, 30, 1, "nitro", true, "arm64", "22.5 Gigabit"),
            new("c7g.16xlarge", 64, 131072, 15, 50, 50, 1, "nitro", true, "arm64", "30 Gigabit"),
            new("c7g.metal", 64, 131072, 15, 50, 50, 1, "nitro", true, "arm64", "30 Gigabit"),
            // r5
            new("r5.large", 2, 16384, 3, 10, 10, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("r5.xlarge", 4, 32768, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("r5.2xlarge", 8, 65536, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("r5.4xlarge", 16, 131072, 8, 30, 30, 1, "nitro", false, "x86_64", "Up to 10 Gigabit"),
            new("r5.8xlarge", 32, 262144, 8, 30, 30, 1, "nitro", false, "x86_64", "10 Gigabit"),
            new("r5.12xlarge", 48, 393216, 8, 30, 30, 1, "nitro", false, "x86_64", "12 Gigabit"),
            new("r5.16xlarge", 64, 524288, 15, 50, 50, 1, "nitro", false, "x86_64", "20 Gigabit"),
            new("r5.24xlarge", 96, 786432, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            new("r5.metal", 96, 786432, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            // r6i
            new("r6i.large", 2, 16384, 3, 10, 10, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("r6i.xlarge", 4, 32768, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("r6i.2xlarge", 8, 65536, 4, 15, 15, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("r6i.4xlarge", 16, 131072, 8, 30, 30, 1, "nitro", false, "x86_64", "Up to 12.5 Gigabit"),
            new("r6i.8xlarge", 32, 262144, 8, 30, 30, 1, "nitro", false, "x86_64", "12.5 Gigabit"),
            new("r6i.12xlarge", 48, 393216, 8, 30, 30, 1, "nitro", false, "x86_64", "18.75 Gigabit"),
            new("r6i.16xlarge", 64, 524288, 15, 50, 50, 1, "nitro", false, "x86_64", "25 Gigabit"),
            new("r6i.24xlarge", 96, 786432, 15, 50, 50, 1, "nitro", false, "x86_64", "37.5 Gigabit"),
            new("r6i.32xlarge", 128, 1048576, 15, 50, 50, 1, "nitro", false, "x86_64", "50 Gigabit"),
            new("r6i.metal", 128, 1048576, 15, 50, 50, 1, "nitro", false, "x86_64", "50 Gigabit"),
            // r6g
            new("r6g.medium", 1, 8192, 2, 4, 4, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("r6g.large", 2, 16384, 3, 10, 10, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("r6g.xlarge", 4, 32768, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("r6g.2xlarge", 8, 65536, 4, 15, 15, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("r6g.4xlarge", 16, 131072, 8, 30, 30, 1, "nitro", true, "arm64", "Up to 10 Gigabit"),
            new("r6g.8xlarge", 32, 262144, 8, 30, 30, 1, "nitro", true, "arm64", "12 Gigabit"),
            new("r6g.12xlarge", 48, 393216, 8, 30, 30, 1, "nitro", true, "arm64", "20 Gigabit"),
            new("r6g.16xlarge", 64, 524288, 15, 50, 50, 1, "nitro", true, "arm64", "25 Gigabit"),
            new("r6g.metal", 64, 524288, 15, 50, 50, 1, "nitro", true, "arm64", "25 Gigabit"),
            // r7i
            new("r7i.large", 2, 16384, 3, 10, 10, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("r7i.xlarge", 4, 32768, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("r7i.2xlarge", 8, 65536, 4, 15, 15, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("r7i.4xlarge", 16, 131072, 8, 30, 30, 1, "nitro", true, "x86_64", "Up to 12.5 Gigabit"),
            new("r7i.8xlarge", 32, 262144, 8, 30, 30, 1, "nitro", true, "x86_64", "12.5 Gigabit"),
            new("r7i.12xlarge", 48, 393216, 8, 30, 30, 1, "nitro", true, "x86_64", "18.75 Gigabit"),
            new("r7i.16xlarge", 64, 524288, 15, 50, 50, 1, "nitro", true, "x86_64", "25 Gigabit"),
            new("r7i.24xlarge", 96, 786432, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("r7i.48xlarge", 192, 1572864, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            new("r7i.metal-24xl", 96, 786432, 15, 50, 50, 1, "nitro", true, "x86_64", "37.5 Gigabit"),
            new("r7i.metal-48xl", 192, 1572864, 15, 50, 50, 1, "nitro", true, "x86_64", "50 Gigabit"),
            // multi-card types (MaximumNetworkCards > 1)
            new("c6in.32xlarge", 128, 262144, 16, 50, 50, 2, "nitro", true, "x86_64", "200 Gigabit"),
            new("m6in.32xlarge", 128, 524288, 16, 50, 50, 2, "nitro", true, "x86_64", "200 Gigabit"),
            new("m6idn.32xlarge", 128, 524288, 16, 50, 50, 2, "nitro", true, "x86_64", "200 Gigabit"),
            new("r6in.32xlarge", 128, 1048576, 16, 50, 50, 2, "nitro", true, "x86_64", "200 Gigabit"),
            new("c6in.metal", 128, 262144, 16, 50, 50, 2, "nitro", true, "x86_64", "200 Gigabit"),
            new("p4d.24xlarge", 96, 1179648, 60, 50, 50, 4, "nitro", true, "x86_64", "4x 100 Gigabit"),
            new("p5.48xlarge", 192, 2097152, 64, 50, 50, 32, "nitro", true, "x86_64", "3200 Gigabit"),
            new("trn1.32xlarge", 128, 524288, 40, 50, 50, 8, "nitro", true, "x86_64", "8x 100 Gigabit"),
        };
        return types.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }
}
