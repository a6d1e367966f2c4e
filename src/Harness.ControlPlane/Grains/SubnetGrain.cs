using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Harness.Runtime;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// Owns address allocation in one subnet. Each call validates everything first and changes state only when
/// the whole request can succeed, then publishes one immutable <see cref="SubnetView"/>.
/// </summary>
internal sealed class SubnetGrain(RegionDirectory regions) : Grain, ISubnetGrain
{
    private const uint PrefixSize = 16;

    private readonly Dictionary<uint, string> addressOwners = [];
    private readonly Dictionary<uint, string> prefixOwners = [];
    private ImmutableDictionary<string, InterfaceAddresses> interfaces = ImmutableDictionary.Create<string, InterfaceAddresses>(StringComparer.Ordinal);
    private ImmutableDictionary<string, BoundAddress> bindingIndex = ImmutableDictionary.Create<string, BoundAddress>(StringComparer.Ordinal);
    private SubnetSpec? spec;
    private ImmutableArray<Tag> tags = [];
    private long used;
    private uint cursor;

    // A deleted (or never created) subnet answers as EC2 does for an unknown id, never with a 500.
    private SubnetSpec Spec => spec ?? throw RegionGrain.SubnetNotFound(GrainKeys.Split(GetPrimaryKeyString()).Id);

    private Ipv4Cidr Cidr => Spec.Cidr;

    public Task<SubnetView> InitializeAsync(SubnetSpec subnetSpec)
    {
        spec = subnetSpec;
        tags = subnetSpec.Tags;
        cursor = subnetSpec.Cidr.First + 4;
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
        interfaces = interfaces.SetItem(networkInterfaceId, empty);
        Apply(networkInterfaceId, plan);
        Publish();
        return Task.FromResult(interfaces[networkInterfaceId]);
    }

    public Task<AssignResult> AssignAsync(string networkInterfaceId, AddressRequest request)
    {
        var current = interfaces.GetValueOrDefault(networkInterfaceId) ?? throw UnknownInterface(networkInterfaceId);
        var plan = Plan(networkInterfaceId, current, request, reservedPrimary: 0);
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

        interfaces = interfaces.SetItem(networkInterfaceId, current with
        {
            Secondaries = current.Secondaries.RemoveRange(addresses),
            Prefixes = current.Prefixes.RemoveRange(prefixes),
            Bindings = bindings,
        });
        Reindex(networkInterfaceId);
        Publish();
        return Task.CompletedTask;
    }

    public Task RemoveInterfaceAsync(string networkInterfaceId)
    {
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
        interfaces = interfaces.SetItem(networkInterfaceId, current with { Bindings = current.Bindings.SetItem(target, binding) });
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

        regions.Get(Spec.Region).Subnets.TryRemove(Spec.SubnetId, out _);
        spec = null;
        return Task.CompletedTask;
    }

    private AssignmentPlan Plan(string networkInterfaceId, InterfaceAddresses current, AddressRequest request, uint reservedPrimary)
    {
        var newAddresses = new List<uint>();
        var moves = new List<Move>();
        foreach (var address in request.Addresses.Distinct())
        {
            CheckUsable(address);
            if (address == reservedPrimary || prefixOwners.ContainsKey(address & ~(PrefixSize - 1)))
            {
                throw Ec2Errors.AddressInUse(Ipv4.Format(address));
            }

            if (!addressOwners.TryGetValue(address, out var owner))
            {
                newAddresses.Add(address);
            }
            else if (owner != networkInterfaceId)
            {
                if (reservedPrimary != 0 || interfaces[owner].Primary == address)
                {
                    throw Ec2Errors.AddressInUse(Ipv4.Format(address));
                }

                if (!request.AllowReassignment)
                {
                    throw Ec2Errors.MoveNotAllowed(Ipv4.Format(address), owner);
                }

                moves.Add(new Move(address, owner));
            }
        }

        // A prefix may not take in an address this same call assigns (the new primary or an explicit secondary).
        var claimedBlocks = newAddresses.Select(a => a & ~(PrefixSize - 1)).ToHashSet();
        if (reservedPrimary != 0)
        {
            claimedBlocks.Add(reservedPrimary & ~(PrefixSize - 1));
        }

        var newPrefixes = new List<uint>();
        foreach (var prefix in request.Prefixes.Distinct())
        {
            if (!Cidr.Contains(prefix) || !IsPrefixFree(prefix) || claimedBlocks.Contains(prefix))
            {
                if (prefixOwners.TryGetValue(prefix, out var owner) && owner == networkInterfaceId)
                {
                    continue;
                }

                throw Ec2Errors.InvalidParameterValue($"The prefix {Ipv4.Format(prefix)}/28 is in use or outside the subnet's address range.");
            }

            newPrefixes.Add(prefix);
        }

        // long: counts come from the wire and may be anything up to int.MaxValue.
        var added = (long)newAddresses.Count + moves.Count + request.Count + newPrefixes.Count + request.PrefixCount;
        var existing = current.Ipv4Count + (reservedPrimary != 0 && current.Primary == 0 ? 1 : 0);
        if (added > 0 && existing + added > request.MaxIpv4)
        {
            throw Ec2Errors.PrivateIpAddressLimitExceeded();
        }

        if (request.Count > 0)
        {
            var inNewPrefixes = newPrefixes.SelectMany(p => Enumerable.Range(0, (int)PrefixSize).Select(i => p + (uint)i));
            var drawn = FindFreeAddresses(request.Count, newAddresses.Append(reservedPrimary).Concat(inNewPrefixes).ToHashSet());
            if (drawn.Count < request.Count)
            {
                throw Ec2Errors.InsufficientFreeAddresses();
            }

            newAddresses.AddRange(drawn);
        }

        if (request.PrefixCount > 0)
        {
            var drawn = FindFreePrefixes(request.PrefixCount, newPrefixes, reservedPrimary == 0 ? newAddresses : [.. newAddresses, reservedPrimary]);
            if (drawn.Count < request.PrefixCount)
            {
                throw Ec2Errors.InsufficientCidrBlocks();
            }

            newPrefixes.AddRange(drawn);
        }

        return new AssignmentPlan([.. newAddresses], [.. moves], [.. newPrefixes]);
    }

    private void Apply(string networkInterfaceId, AssignmentPlan plan)
    {
        var target = interfaces[networkInterfaceId];
        var secondaries = target.Secondaries.ToBuilder();
        var bindings = target.Bindings;
        foreach (var move in plan.Moves)
        {
            // The Elastic IP bound to a moved address goes with it (seed 000: "any Elastic IP address … is also moved").
            var source = interfaces[move.From];
            if (source.Bindings.TryGetValue(move.Address, out var binding))
            {
                bindings = bindings.SetItem(move.Address, binding);
            }

            interfaces = interfaces.SetItem(move.From, source with
            {
                Secondaries = source.Secondaries.Remove(move.Address),
                Bindings = source.Bindings.Remove(move.Address),
            });
            addressOwners[move.Address] = networkInterfaceId;
            secondaries.Add(move.Address);
        }

        foreach (var address in plan.NewAddresses)
        {
            addressOwners[address] = networkInterfaceId;
            secondaries.Add(address);
            used++;
        }

        foreach (var prefix in plan.NewPrefixes)
        {
            prefixOwners[prefix] = networkInterfaceId;
            used += PrefixSize;
        }

        interfaces = interfaces.SetItem(networkInterfaceId, target with
        {
            Secondaries = secondaries.ToImmutable(),
            Prefixes = target.Prefixes.AddRange(plan.NewPrefixes),
            Bindings = bindings,
        });
    }

    private void CheckUsable(uint address)
    {
        if (!Cidr.Contains(address) || SubnetAddressing.IsReserved(Cidr, address))
        {
            throw Ec2Errors.AddressOutsideSubnet(Ipv4.Format(address));
        }
    }

    private bool IsPrefixFree(uint prefix)
    {
        if (prefixOwners.ContainsKey(prefix))
        {
            return false;
        }

        for (var address = prefix; address < prefix + PrefixSize; address++)
        {
            if (addressOwners.ContainsKey(address) || SubnetAddressing.IsReserved(Cidr, address))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Next-fit from a cursor, so repeated draws stay O(1) amortized instead of rescanning from the start.</summary>
    private List<uint> FindFreeAddresses(int count, IReadOnlySet<uint> excluded)
    {
        var found = new List<uint>((int)Math.Min(count, 64));
        var usable = SubnetAddressing.UsableCount(Cidr);
        var candidate = cursor;
        for (long scanned = 0; scanned < usable && found.Count < count; scanned++)
        {
            if (candidate >= Cidr.Last || candidate < Cidr.First + 4)
            {
                candidate = Cidr.First + 4;
            }

            if (!addressOwners.ContainsKey(candidate) && !excluded.Contains(candidate)
                && !prefixOwners.ContainsKey(candidate & ~(PrefixSize - 1)))
            {
                found.Add(candidate);
            }

            candidate++;
        }

        if (found.Count == count)
        {
            cursor = candidate;
        }

        return found;
    }

    private List<uint> FindFreePrefixes(int count, List<uint> excludedPrefixes, List<uint> excludedAddresses)
    {
        var found = new List<uint>((int)Math.Min(count, 64));
        for (var prefix = Cidr.First; prefix < Cidr.Last && found.Count < count; prefix += PrefixSize)
        {
            if (IsPrefixFree(prefix) && !excludedPrefixes.Contains(prefix)
                && !excludedAddresses.Any(a => (a & ~(PrefixSize - 1)) == prefix))
            {
                found.Add(prefix);
            }
        }

        return found;
    }

    private bool RemoveBinding(string allocationId)
    {
        if (!bindingIndex.TryGetValue(allocationId, out var bound) || !interfaces.TryGetValue(bound.NetworkInterfaceId, out var addresses))
        {
            return false;
        }

        interfaces = interfaces.SetItem(bound.NetworkInterfaceId, addresses with { Bindings = addresses.Bindings.Remove(bound.PrivateIp) });
        bindingIndex = bindingIndex.Remove(allocationId);
        return true;
    }

    /// <summary>Re-indexes the bindings of the interfaces a turn touched; bindings are few, interfaces may be many.</summary>
    private void Reindex(params string[] touched)
    {
        foreach (var (allocationId, bound) in bindingIndex)
        {
            if (touched.Contains(bound.NetworkInterfaceId))
            {
                bindingIndex = bindingIndex.Remove(allocationId);
            }
        }

        foreach (var id in touched)
        {
            if (interfaces.TryGetValue(id, out var addresses))
            {
                foreach (var (address, binding) in addresses.Bindings)
                {
                    bindingIndex = bindingIndex.SetItem(binding.AllocationId, new BoundAddress(id, address, binding));
                }
            }
        }
    }

    private SubnetView Publish()
    {
        var s = Spec;
        var view = new SubnetView(
            s.SubnetId, s.VpcId, s.Cidr, s.AvailabilityZone, s.AvailabilityZoneId,
            SubnetAddressing.UsableCount(s.Cidr) - used, tags, interfaces, bindingIndex);
        regions.Get(s.Region).Subnets[s.SubnetId] = view;
        return view;
    }

    private static Ec2Exception UnknownInterface(string id) =>
        Ec2Errors.NotFound("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist");

    private sealed record Move(uint Address, string From);

    private sealed record AssignmentPlan(ImmutableArray<uint> NewAddresses, ImmutableArray<Move> Moves, ImmutableArray<uint> NewPrefixes);
}
