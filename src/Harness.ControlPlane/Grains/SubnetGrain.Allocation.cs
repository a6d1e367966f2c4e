using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// Address planning: every check runs before anything changes (<see cref="Plan"/>), then the whole plan is
/// applied at once (<see cref="Apply"/>), so a request either succeeds entirely or leaves the subnet as it was.
/// </summary>
internal sealed partial class SubnetGrain
{
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

            SetInterface(move.From, source with
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

        SetInterface(networkInterfaceId, target with
        {
            Secondaries = secondaries.ToImmutable(),
            Prefixes = target.Prefixes.AddRange(plan.NewPrefixes),
            Bindings = bindings,
        });
    }

    private void CheckUsable(uint address)
    {
        if (!Cidr.Contains(address) || state.Rules.IsReserved(Cidr, address))
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
            if (addressOwners.ContainsKey(address) || state.Rules.IsReserved(Cidr, address))
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
        var usable = state.Rules.UsableCount(Cidr);
        var (first, last) = (state.Rules.FirstUsable(Cidr), state.Rules.LastUsable(Cidr));
        var candidate = cursor;
        for (long scanned = 0; scanned < usable && found.Count < count; scanned++)
        {
            if (candidate > last || candidate < first)
            {
                candidate = first;
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

    private sealed record Move(uint Address, string From);

    private sealed record AssignmentPlan(ImmutableArray<uint> NewAddresses, ImmutableArray<Move> Moves, ImmutableArray<uint> NewPrefixes);
}
