using System.Globalization;
using Harness.Domain.Ids;
using Harness.Domain.Net;

namespace Harness.Domain.Clouds;

/// <summary>
/// What differs between the clouds below the API: how ids and MAC addresses look, which addresses of a subnet (an
/// Alibaba vSwitch) are reserved, which subnet sizes are allowed and how zones are named.
/// </summary>
public sealed class CloudRules
{
    private CloudRules(Cloud cloud, int reservedAtStart, int reservedAtEnd, int largestSubnet, int smallestSubnet)
    {
        Cloud = cloud;
        ReservedAtStart = reservedAtStart;
        ReservedAtEnd = reservedAtEnd;
        LargestSubnet = largestSubnet;
        SmallestSubnet = smallestSubnet;
    }

    /// <summary>EC2: the network address, the router, DNS and one more at the start, the broadcast address at the end; /16 to /28.</summary>
    public static CloudRules Aws { get; } = new(Cloud.Aws, 4, 1, 16, 28);

    /// <summary>Alibaba Cloud: the first address and the last three of a vSwitch; /16 to /29 (ALIBABA.md §5).</summary>
    public static CloudRules Alibaba { get; } = new(Cloud.Alibaba, 1, 3, 16, 29);

    public Cloud Cloud { get; }

    public int ReservedAtStart { get; }

    public int ReservedAtEnd { get; }

    /// <summary>The shortest prefix length a subnet may have.</summary>
    public int LargestSubnet { get; }

    /// <summary>The longest prefix length a subnet may have.</summary>
    public int SmallestSubnet { get; }

    public static CloudRules For(Cloud cloud) => cloud == Cloud.Alibaba ? Alibaba : Aws;

    public bool IsReserved(Ipv4Cidr subnet, uint address) =>
        address - subnet.Network < ReservedAtStart || subnet.Last - address < ReservedAtEnd;

    public uint FirstUsable(Ipv4Cidr subnet) => subnet.Network + (uint)ReservedAtStart;

    public uint LastUsable(Ipv4Cidr subnet) => subnet.Last - (uint)ReservedAtEnd;

    public long UsableCount(Ipv4Cidr subnet) => subnet.Size - ReservedAtStart - ReservedAtEnd;

    /// <summary>
    /// A new id with the harness's internal <paramref name="prefix"/> (EC2's: <c>subnet</c>, <c>eipalloc</c>…) in this
    /// cloud's shape: EC2's hex digits, or Alibaba's region code and lower-case letters and digits (<c>vsw-bp1…</c>).
    /// </summary>
    public string NewId(string prefix, string regionId, Random random) => Cloud == Cloud.Alibaba
        ? AlibabaIds.New(AlibabaIds.PrefixFor(prefix), regionId, random)
        : ResourceIds.New(prefix, random);

    public string NewMac(Random random) => Cloud == Cloud.Alibaba ? AlibabaIds.NewMac(random) : ResourceIds.NewMac(random);

    /// <summary>The zones of a region: EC2's <c>us-east-1a</c>, Alibaba's <c>cn-hangzhou-h</c>.</summary>
    public IReadOnlyList<string> ZonesOf(string regionId) => Cloud == Cloud.Alibaba
        ? [.. AlibabaRegions.ZoneLetters(regionId).Select(letter => string.Create(CultureInfo.InvariantCulture, $"{regionId}-{letter}"))]
        : [.. new[] { 'a', 'b', 'c' }.Select(letter => regionId + letter)];
}
