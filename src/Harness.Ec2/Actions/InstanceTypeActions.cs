using System.Globalization;
using Harness.Domain.Catalog;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>DescribeInstanceTypes, from the catalog the limits are enforced with.</summary>
internal static class InstanceTypeActions
{
    private static readonly Dictionary<string, Func<InstanceTypeInfo, IEnumerable<string?>>> FilterFields = new()
    {
        ["instance-type"] = t => [t.Name],
        ["current-generation"] = t => [t.CurrentGeneration ? "true" : "false"],
        ["hypervisor"] = t => [t.Hypervisor],
        ["bare-metal"] = t => [t.Name.Contains("metal", StringComparison.Ordinal) ? "true" : "false"],
        ["processor-info.supported-architecture"] = t => [t.Architecture],
        ["vcpu-info.default-vcpus"] = t => [Text(t.VCpus)],
        ["memory-info.size-in-mib"] = t => [Text(t.MemoryMiB)],
        ["network-info.maximum-network-interfaces"] = t => [Text(t.MaxNetworkInterfaces)],
        ["network-info.ipv4-addresses-per-interface"] = t => [Text(t.Ipv4AddressesPerInterface)],
        ["network-info.ipv6-addresses-per-interface"] = t => [Text(t.Ipv6AddressesPerInterface)],
        ["network-info.maximum-network-cards"] = t => [Text(t.MaximumNetworkCards)],
        ["network-info.network-performance"] = t => [t.NetworkPerformance],
    };

    public static Task DescribeInstanceTypes(Ec2Context context)
    {
        var p = context.Parameters;
        var names = p.GetList("InstanceType");
        var unknown = names.Where(n => !InstanceTypeCatalog.All.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new Harness.Domain.Errors.Ec2Exception(
                "InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", unknown)}]");
        }

        var filters = Filters<InstanceTypeInfo>.Parse(p, FilterFields);
        context.ThrowIfDryRun();
        var matching = InstanceTypeCatalog.All.Values.Where(t => (names.Count == 0 || names.Contains(t.Name)) && filters.Matches(t));
        var (page, next) = Paging.Page(p, matching, t => t.Name, "InstanceTypes", hasIds: false, max: 100);
        context.Response.Set("instanceTypeSet", page, static (x, t) => x
            .Element("instanceType", t.Name)
            .Element("currentGeneration", t.CurrentGeneration)
            .Element("freeTierEligible", t.Name is "t2.micro" or "t3.micro")
            .Element("bareMetal", t.Name.Contains("metal", StringComparison.Ordinal))
            .Element("hypervisor", t.Hypervisor)
            .Start("processorInfo").Set("supportedArchitectures", [t.Architecture], static (x, a) => x.Element("item", a), bare: true).End()
            .Start("vCpuInfo").Element("defaultVCpus", t.VCpus).End()
            .Start("memoryInfo").Element("sizeInMiB", t.MemoryMiB).End()
            .Start("networkInfo")
                .Element("networkPerformance", t.NetworkPerformance)
                .Element("maximumNetworkInterfaces", t.MaxNetworkInterfaces)
                .Element("maximumNetworkCards", t.MaximumNetworkCards)
                .Element("defaultNetworkCardIndex", 0)
                .Set("networkCards", Enumerable.Range(0, t.MaximumNetworkCards), (x, i) => x
                    .Element("networkCardIndex", i)
                    .Element("networkPerformance", t.NetworkPerformance)
                    .Element("maximumNetworkInterfaces", t.MaxNetworkInterfaces / t.MaximumNetworkCards))
                .Element("ipv4AddressesPerInterface", t.Ipv4AddressesPerInterface)
                .Element("ipv6AddressesPerInterface", t.Ipv6AddressesPerInterface)
                .Element("ipv6Supported", t.Ipv6AddressesPerInterface > 0)
                .Element("enaSupport", t.Hypervisor == "nitro" ? "required" : "unsupported")
            .End()).NextToken(next);
        return Task.CompletedTask;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
