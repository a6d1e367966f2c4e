using Harness.Domain.Clouds;

namespace Harness.Domain.Net;

/// <summary>EC2's addressing rules inside a subnet: the five reserved addresses and the /28 prefix grid (other clouds: <see cref="CloudRules"/>).</summary>
public static class SubnetAddressing
{
    /// <summary>Network, router (+1), DNS (+2), reserved (+3) and broadcast.</summary>
    public const int ReservedPerSubnet = 5;

    /// <summary>Prefix delegation hands out /28 blocks only.</summary>
    public const int DelegatedPrefixLength = 28;

    public static bool IsReserved(Ipv4Cidr subnet, uint address) => CloudRules.Aws.IsReserved(subnet, address);

    public static long UsableCount(Ipv4Cidr subnet) => CloudRules.Aws.UsableCount(subnet);
}
