using System.Collections.Concurrent;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Clouds;

namespace Harness.ControlPlane.Regions;

/// <summary>
/// The read side of one region: the latest view each grain published, keyed by id. Grains write here at the
/// end of their turn; Describe* reads here without a grain call, which keeps reads flat at any scale.
/// </summary>
public sealed class RegionState(string name, long generation = 0)
{
    /// <summary>The harness's name of the region: EC2's own, or <c>alibaba:</c> and Alibaba's (<see cref="CloudRegions"/>).</summary>
    public string Name { get; } = name;

    public Cloud Cloud { get; } = CloudRegions.Parse(name).Cloud;

    /// <summary>The region as its cloud names it (<c>us-east-1</c>, <c>cn-hangzhou</c>).</summary>
    public string RegionId { get; } = CloudRegions.Parse(name).RegionId;

    public CloudRules Rules => CloudRules.For(Cloud);

    /// <summary>The world this state belongs to: a reset starts the next one and leaves this state unread.</summary>
    public long Generation { get; } = generation;

    /// <summary>The prefix of every grain key in this region and world (<see cref="GrainKeys"/>).</summary>
    public string Key { get; } = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{generation}/{name}");

    public ConcurrentDictionary<string, VpcView> Vpcs { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, SubnetView> Subnets { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, SecurityGroupView> SecurityGroups { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, NetworkInterfaceView> NetworkInterfaces { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, InstanceView> Instances { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, AddressView> Addresses { get; } = new(StringComparer.Ordinal);

    /// <summary>Attachment id to network interface id, for DetachNetworkInterface and filters.</summary>
    public ConcurrentDictionary<string, string> Attachments { get; } = new(StringComparer.Ordinal);

    /// <summary>ClientToken idempotency: (action, token) to the first call's parameters and result.</summary>
    public ConcurrentDictionary<string, IdempotentCall> ClientTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>The tokens in the order they were first used, so that expired ones are forgotten oldest first.</summary>
    public ConcurrentQueue<(string Key, IdempotentCall Call)> ClientTokensByAge { get; } = new();

    public IReadOnlyList<string> AvailabilityZones { get; } = CloudRules.For(CloudRegions.Parse(name).Cloud).ZonesOf(CloudRegions.Parse(name).RegionId);

    /// <summary>EC2's zone ids (use1-az1) for this region's zone names; Alibaba's zone ids are their names.</summary>
    public string ZoneIdOf(string zoneName)
    {
        if (Cloud == Cloud.Alibaba)
        {
            return zoneName;
        }

        var parts = Name.Split('-');
        var prefix = parts.Length == 3 ? $"{parts[0]}{parts[1][0]}{parts[2]}" : Name.Replace("-", string.Empty, StringComparison.Ordinal);
        return $"{prefix}-az{zoneName[^1] - 'a' + 1}";
    }

    /// <summary>Sets (a value) or removes (null) one entry: how grains publish, and how a cluster's other processes apply it.</summary>
    public void Apply(ReadModelTable table, string key, object? value)
    {
        switch (table)
        {
            case ReadModelTable.Vpcs: Set(Vpcs, key, (VpcView?)value); break;
            case ReadModelTable.Subnets: Set(Subnets, key, (SubnetView?)value); break;
            case ReadModelTable.SecurityGroups: Set(SecurityGroups, key, (SecurityGroupView?)value); break;
            case ReadModelTable.NetworkInterfaces: Set(NetworkInterfaces, key, (NetworkInterfaceView?)value); break;
            case ReadModelTable.Instances: Set(Instances, key, (InstanceView?)value); break;
            case ReadModelTable.Addresses: Set(Addresses, key, (AddressView?)value); break;
            case ReadModelTable.Attachments: Set(Attachments, key, (string?)value); break;
            case ReadModelTable.ForcedDetaches: break;
            default: throw new ArgumentOutOfRangeException(nameof(table), table, null);
        }
    }

    /// <summary>Every entry of the region as changes that set it: what a process joining a cluster starts from.</summary>
    public IEnumerable<ReadModelChange> Entries() =>
        Vpcs.Select(e => Change(ReadModelTable.Vpcs, e.Key, e.Value))
            .Concat(Subnets.Select(e => Change(ReadModelTable.Subnets, e.Key, e.Value)))
            .Concat(SecurityGroups.Select(e => Change(ReadModelTable.SecurityGroups, e.Key, e.Value)))
            .Concat(NetworkInterfaces.Select(e => Change(ReadModelTable.NetworkInterfaces, e.Key, e.Value)))
            .Concat(Instances.Select(e => Change(ReadModelTable.Instances, e.Key, e.Value)))
            .Concat(Addresses.Select(e => Change(ReadModelTable.Addresses, e.Key, e.Value)))
            .Concat(Attachments.Select(e => Change(ReadModelTable.Attachments, e.Key, e.Value)));

    private ReadModelChange Change(ReadModelTable table, string key, object value) => new(Generation, Name, table, key, value);

    private static void Set<T>(ConcurrentDictionary<string, T> table, string key, T? value)
        where T : class
    {
        if (value is null)
        {
            table.TryRemove(key, out _);
        }
        else
        {
            table[key] = value;
        }
    }

    /// <summary>A copy of the region as it is now (views are immutable, so the copy shares them): what a lagging read sees.</summary>
    public RegionState Snapshot()
    {
        var copy = new RegionState(Name, Generation);
        Copy(Vpcs, copy.Vpcs);
        Copy(Subnets, copy.Subnets);
        Copy(SecurityGroups, copy.SecurityGroups);
        Copy(NetworkInterfaces, copy.NetworkInterfaces);
        Copy(Instances, copy.Instances);
        Copy(Addresses, copy.Addresses);
        Copy(Attachments, copy.Attachments);
        return copy;
    }

    private static void Copy<T>(ConcurrentDictionary<string, T> from, ConcurrentDictionary<string, T> to)
    {
        foreach (var (key, value) in from)
        {
            to[key] = value;
        }
    }

    /// <summary>The interface's view with its addresses, read from one subnet snapshot so nothing shows twice.</summary>
    public bool TryGetInterface(string networkInterfaceId, out NetworkInterfaceView view, out InterfaceAddresses addresses)
    {
        addresses = InterfaceAddresses.Empty;
        if (!NetworkInterfaces.TryGetValue(networkInterfaceId, out view!))
        {
            return false;
        }

        if (Subnets.TryGetValue(view.SubnetId, out var subnet))
        {
            addresses = subnet.AddressesOf(networkInterfaceId);
        }

        return true;
    }
}
