using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// Owns address allocation in one subnet. Each call validates everything first and changes state only when
/// the whole request can succeed, then publishes one immutable <see cref="SubnetView"/>.
/// </summary>
internal sealed partial class SubnetGrain(RegionDirectory regions, MetadataPropagation propagation) : PublishingGrain<SubnetRecord>, ISubnetGrain
{
    private const uint PrefixSize = 16;

    private readonly Dictionary<uint, string> addressOwners = [];
    private readonly Dictionary<uint, string> prefixOwners = [];
    private readonly HashSet<string> touched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> limits = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, InterfaceAddresses> interfaces = ImmutableDictionary.Create<string, InterfaceAddresses>(StringComparer.Ordinal);
    private ImmutableDictionary<string, BoundAddress> bindingIndex = ImmutableDictionary.Create<string, BoundAddress>(StringComparer.Ordinal);
    private SubnetSpec? spec;
    private ImmutableArray<Tag> tags = [];
    private long used;
    private uint cursor;
    private RegionState state = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GrainKeys.Split(this.GetPrimaryKeyString());
        state = regions.Get(key.Generation, key.Region);
        return RestoreAsync();
    }

    // The live collections, not copies: the record is serialized within this turn, which nothing interleaves with.
    // A deleted subnet keeps a record without its spec (until a reset deletes the world's records): brought back, it
    // tells every process the subnet is gone, in case its process died before it said so.
    protected override SubnetRecord Save() => spec is null ? new SubnetRecord() : new SubnetRecord
    {
        Spec = spec, Tags = tags, Interfaces = interfaces, BindingIndex = bindingIndex, Limits = limits,
        AddressOwners = addressOwners, PrefixOwners = prefixOwners, Used = used, Cursor = cursor,
    };

    protected override IEnumerable<(RegionState, ReadModelTable, string, object?)> Restore(SubnetRecord saved)
    {
        if (saved.Spec is null)
        {
            return [(state, ReadModelTable.Subnets, GrainKeys.Split(this.GetPrimaryKeyString()).Id, null)];
        }

        (spec, tags, interfaces, bindingIndex, used, cursor) = (saved.Spec, saved.Tags, saved.Interfaces, saved.BindingIndex, saved.Used, saved.Cursor);
        foreach (var (id, limit) in saved.Limits)
        {
            limits[id] = limit;
        }

        foreach (var (address, owner) in saved.AddressOwners)
        {
            addressOwners[address] = owner;
        }

        foreach (var (prefix, owner) in saved.PrefixOwners)
        {
            prefixOwners[prefix] = owner;
        }

        return [(state, ReadModelTable.Subnets, Spec.SubnetId, View())];
    }

    // A deleted (or never created) subnet answers as EC2 does for an unknown id, never with a 500.
    private SubnetSpec Spec => spec ?? throw RegionGrain.SubnetNotFound(GrainKeys.Split(this.GetPrimaryKeyString()).Id);

    private Ipv4Cidr Cidr => Spec.Cidr;

    public Task<SubnetView> InitializeAsync(SubnetSpec subnetSpec)
    {
        spec = subnetSpec;
        tags = subnetSpec.Tags;
        cursor = state.Rules.FirstUsable(subnetSpec.Cidr);
        return Task.FromResult(Publish());
    }

    public Task<InterfaceAddresses> AddInterfaceAsync(string networkInterfaceId, uint primary, AddressRequest secondaries)
    {
        if (primary != 0)
        {
            CheckUsable(primary);
            if (addressOwners.ContainsKey(primary) || prefixOwners.ContainsKey(primary & ~(PrefixSize - 1)))
            {
                throw Ec2Errors.AddressInUse(Ipv4.Format(primary));
            }
        }
        else
        {
            primary = FindFreeAddresses(1, new HashSet<uint>()).FirstOrDefault();
            if (primary == 0)
            {
                throw Ec2Errors.InsufficientFreeAddresses();
            }
        }

        var empty = new InterfaceAddresses(primary, [], [], ImmutableDictionary<uint, PublicBinding>.Empty);
        var plan = Plan(networkInterfaceId, empty, secondaries with { AllowReassignment = false }, reservedPrimary: primary);
        addressOwners[primary] = networkInterfaceId;
        used++;
        limits[networkInterfaceId] = secondaries.MaxIpv4;
        SetInterface(networkInterfaceId, empty);
        Apply(networkInterfaceId, plan);
        Publish();
        return Task.FromResult(interfaces[networkInterfaceId]);
    }

    public Task<AssignResult> AssignAsync(string networkInterfaceId, AddressRequest request)
    {
        var current = interfaces.GetValueOrDefault(networkInterfaceId) ?? throw UnknownInterface(networkInterfaceId);
        var limit = limits.GetValueOrDefault(networkInterfaceId, NetworkInterfaceGrain.UnattachedMaxIpv4);
        var plan = Plan(networkInterfaceId, current, request with { MaxIpv4 = limit }, reservedPrimary: 0);
        Apply(networkInterfaceId, plan);
        if (plan.Moves.Length > 0)
        {
            Reindex([networkInterfaceId, .. plan.Moves.Select(m => m.From).Distinct()]);
        }

        Publish();
        return Task.FromResult(new AssignResult([.. plan.NewAddresses, .. plan.Moves.Select(m => m.Address)], plan.NewPrefixes));
    }

    public Task UnassignAsync(string networkInterfaceId, ImmutableArray<uint> addresses, ImmutableArray<uint> prefixes)
    {
        var current = interfaces.GetValueOrDefault(networkInterfaceId) ?? throw UnknownInterface(networkInterfaceId);
        foreach (var address in addresses)
        {
            if (address == current.Primary)
            {
                throw Ec2Errors.InvalidParameterValue(
                    $"The primary private IP address {Ipv4.Format(address)} of network interface {networkInterfaceId} cannot be unassigned.");
            }

            if (!current.Secondaries.Contains(address))
            {
                throw Ec2Errors.InvalidParameterValue($"Some of the specified addresses are not assigned to interface {networkInterfaceId}");
            }
        }

        foreach (var prefix in prefixes)
        {
            if (!current.Prefixes.Contains(prefix))
            {
                throw Ec2Errors.InvalidParameterValue($"Some of the specified prefixes are not assigned to interface {networkInterfaceId}");
            }
        }

        var bindings = current.Bindings;
        foreach (var address in addresses.Distinct())
        {
            addressOwners.Remove(address);
            bindings = bindings.Remove(address);
            used--;
        }

        foreach (var prefix in prefixes.Distinct())
        {
            prefixOwners.Remove(prefix);
            used -= PrefixSize;
        }

        SetInterface(networkInterfaceId, current with
        {
            Secondaries = current.Secondaries.RemoveRange(addresses),
            Prefixes = current.Prefixes.RemoveRange(prefixes),
            Bindings = bindings,
        });
        Reindex(networkInterfaceId);
        Publish();
        return Task.CompletedTask;
    }

    public Task SetLimitAsync(string networkInterfaceId, int maxIpv4)
    {
        if (!interfaces.ContainsKey(networkInterfaceId))
        {
            throw UnknownInterface(networkInterfaceId);
        }

        limits[networkInterfaceId] = maxIpv4;
        return Task.CompletedTask;
    }

    public Task RemoveInterfaceAsync(string networkInterfaceId)
    {
        limits.Remove(networkInterfaceId);
        if (interfaces.TryGetValue(networkInterfaceId, out var current))
        {
            foreach (var address in current.All)
            {
                addressOwners.Remove(address);
                used--;
            }

            foreach (var prefix in current.Prefixes)
            {
                prefixOwners.Remove(prefix);
                used -= PrefixSize;
            }

            interfaces = interfaces.Remove(networkInterfaceId);
            touched.Add(networkInterfaceId);
            Reindex(networkInterfaceId);
            Publish();
        }

        return Task.CompletedTask;
    }

    public Task<PublicBinding?> BindAsync(string networkInterfaceId, uint privateIp, PublicBinding binding)
    {
        var current = interfaces.GetValueOrDefault(networkInterfaceId) ?? throw UnknownInterface(networkInterfaceId);
        var target = privateIp == 0 ? current.Primary : privateIp;
        if (!current.All.Contains(target))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"The private IP address {Ipv4.Format(target)} is not associated with the network interface {networkInterfaceId}.");
        }

        RemoveBinding(binding.AllocationId);
        current = interfaces[networkInterfaceId];
        var displaced = current.Bindings.GetValueOrDefault(target);
        SetInterface(networkInterfaceId, current with { Bindings = current.Bindings.SetItem(target, binding) });
        Reindex(networkInterfaceId);
        Publish();
        return Task.FromResult(displaced);
    }

    public Task<bool> UnbindAsync(string allocationId)
    {
        var removed = RemoveBinding(allocationId);
        if (removed)
        {
            Publish();
        }

        return Task.FromResult(removed);
    }

    public Task UpdateTagsAsync(TagUpdate update)
    {
        tags = TagSet.Apply(tags, update);
        Publish();
        return Task.CompletedTask;
    }

    public Task DeleteAsync()
    {
        if (!interfaces.IsEmpty)
        {
            throw Ec2Errors.DependencyViolation($"The subnet '{Spec.SubnetId}' has dependencies and cannot be deleted.");
        }

        SetEntry(state, ReadModelTable.Subnets, Spec.SubnetId, null);
        spec = null;
        return Task.CompletedTask;
    }

    private SubnetView Publish()
    {
        var view = View();
        SetEntry(state, ReadModelTable.Subnets, view.SubnetId, view);
        if (touched.Count > 0)
        {
            propagation.AddressesChanged(Spec.Region, touched);
            touched.Clear();
        }

        return view;
    }

    private SubnetView View()
    {
        var s = Spec;
        return new SubnetView(
            s.SubnetId, s.VpcId, s.Cidr, s.AvailabilityZone, s.AvailabilityZoneId,
            state.Rules.UsableCount(s.Cidr) - used, tags, interfaces, bindingIndex);
    }

    private void SetInterface(string networkInterfaceId, InterfaceAddresses addresses)
    {
        interfaces = interfaces.SetItem(networkInterfaceId, addresses);
        touched.Add(networkInterfaceId);
    }

    private static Ec2Exception UnknownInterface(string id) =>
        Ec2Errors.NotFound("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist");
}

/// <summary>A subnet grain's state, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class SubnetRecord
{
    [Id(0)] public SubnetSpec? Spec { get; init; }

    [Id(1)] public ImmutableArray<Tag> Tags { get; init; } = [];

    [Id(2)] public ImmutableDictionary<string, InterfaceAddresses> Interfaces { get; init; } = ImmutableDictionary<string, InterfaceAddresses>.Empty;

    [Id(3)] public ImmutableDictionary<string, BoundAddress> BindingIndex { get; init; } = ImmutableDictionary<string, BoundAddress>.Empty;

    [Id(4)] public Dictionary<string, int> Limits { get; init; } = [];

    [Id(5)] public Dictionary<uint, string> AddressOwners { get; init; } = [];

    [Id(6)] public Dictionary<uint, string> PrefixOwners { get; init; } = [];

    [Id(7)] public long Used { get; init; }

    [Id(8)] public uint Cursor { get; init; }
}
