using System.Collections.Concurrent;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Regions;

/// <summary>
/// The read side of one region: the latest view each grain published, keyed by id. Grains write here at the
/// end of their turn; Describe* reads here without a grain call, which keeps reads flat at any scale.
/// </summary>
public sealed class RegionState(string name, long generation = 0)
{
    public string Name { get; } = name;

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

    public IReadOnlyList<string> AvailabilityZones { get; } = new[] { "a", "b", "c" }.Select(z => name + z).ToArray();

    /// <summary>EC2's zone ids (use1-az1) for this region's zone names.</summary>
    public string ZoneIdOf(string zoneName)
    {
        var parts = Name.Split('-');
        var prefix = parts.Length == 3 ? $"{parts[0]}{parts[1][0]}{parts[2]}" : Name.Replace("-", string.Empty, StringComparison.Ordinal);
        return $"{prefix}-az{zoneName[^1] - 'a' + 1}";
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
