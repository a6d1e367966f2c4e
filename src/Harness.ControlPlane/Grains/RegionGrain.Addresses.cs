using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// Elastic IPs. An allocation records which subnet holds its binding; the binding itself (association id,
/// interface, private address) lives in that subnet, so it moves with its private address on reassignment.
/// </summary>
internal sealed partial class RegionGrain
{
    // Documentation ranges (RFC 5737): public addresses that can never be mistaken for real hosts or loopback.
    private static readonly Ipv4Cidr[] PublicPool =
    [
        new(0xC6336400, 24), // 198.51.100.0/24
        new(0xCB007100, 24), // 203.0.113.0/24
    ];

    private static readonly Ipv4Cidr CustomerOwnedPool = new(0xC0000200, 24); // 192.0.2.0/24

    private readonly HashSet<uint> allocatedIps = [];
    private readonly HashSet<uint> releasedIps = [];
    private readonly HashSet<string> pastAssociations = new(StringComparer.Ordinal);

    public Task<AddressView> AllocateAddressAsync(AllocateAddressCommand command)
    {
        if (state.Addresses.Count >= options.ElasticIpLimit)
        {
            throw new Ec2Exception("AddressLimitExceeded", "The maximum number of addresses has been reached.");
        }

        var borderGroup = command.NetworkBorderGroup ?? state.Name;
        if (borderGroup != state.Name)
        {
            throw Ec2Errors.InvalidParameterValue($"The network border group '{borderGroup}' is invalid.");
        }

        uint address;
        if (command.Address is { } wanted)
        {
            // Recovery: only an address this account released, and nobody took since.
            if (!releasedIps.Contains(wanted) || allocatedIps.Contains(wanted))
            {
                throw new Ec2Exception("InvalidAddress.NotFound", $"Address '{Ipv4.Format(wanted)}' not found.");
            }

            address = wanted;
        }
        else
        {
            // A fresh address first, so that a released one stays recoverable for as long as possible; once the pool has
            // none left, released ones go out again (as EC2 gives released addresses to others), so a long-lived
            // harness never runs dry.
            var pool = (command.CustomerOwnedIpv4Pool is null ? PublicPool : [CustomerOwnedPool])
                .SelectMany(c => Enumerable.Range(1, (int)c.Size - 2).Select(i => (uint)(c.Network + i)))
                .Where(a => !allocatedIps.Contains(a)).ToList();
            address = pool.FirstOrDefault(a => !releasedIps.Contains(a));
            if (address == 0)
            {
                address = pool.FirstOrDefault();
            }

            if (address == 0)
            {
                throw new Ec2Exception("AddressLimitExceeded", "The maximum number of addresses has been reached.");
            }
        }

        allocatedIps.Add(address);
        releasedIps.Remove(address);
        var view = new AddressView(
            NewId("eipalloc"), address, command.Domain, command.PublicIpv4Pool ?? "amazon", borderGroup,
            command.CustomerOwnedIpv4Pool, BoundSubnetId: null, command.Tags);
        SetEntry(state, ReadModelTable.Addresses, view.AllocationId, view);
        return Task.FromResult(view);
    }

    public async Task<string> AssociateAddressAsync(AssociateAddressCommand command)
    {
        var allocation = FindAllocation(command.AllocationId, command.PublicIp);
        var current = CurrentBinding(allocation);
        var target = state.Subnets.TryGetValue(command.SubnetId, out var subnet) ? subnet.AddressesOf(command.NetworkInterfaceId) : null;
        var targetIp = command.PrivateIp == 0 ? target?.Primary ?? 0 : command.PrivateIp;
        if (current is not null && command.AllowReassociation == false
            && !(current.NetworkInterfaceId == command.NetworkInterfaceId && current.PrivateIp == targetIp))
        {
            throw new Ec2Exception(
                "Resource.AlreadyAssociated",
                $"resource {allocation.AllocationId} is already associated with associate-id {current.Binding.AssociationId}");
        }

        if (target?.Bindings.TryGetValue(targetIp, out var occupant) == true && occupant.AllocationId != allocation.AllocationId
            && command.AllowReassociation == false)
        {
            throw new Ec2Exception(
                "Resource.AlreadyAssociated",
                $"resource {occupant.AllocationId} is already associated with associate-id {occupant.AssociationId}");
        }

        if (target is not null && !target.All.Contains(targetIp))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"The private IP address {Ipv4.Format(targetIp)} is not associated with the network interface {command.NetworkInterfaceId}.");
        }

        // Moving to another subnet: unbind there first, so no Describe ever shows the address on two interfaces.
        if (allocation.BoundSubnetId is { } previous && previous != command.SubnetId)
        {
            await Subnet(previous).UnbindAsync(allocation.AllocationId);
            allocation = allocation with { BoundSubnetId = null };
            SetEntry(state, ReadModelTable.Addresses, allocation.AllocationId, allocation);
        }

        // Recorded before the subnet binds (the record is written before the call), so that a region grain brought back after
        // its process died knows where the binding may be; until the subnet has it, the allocation shows no association.
        var binding = new PublicBinding(allocation.AllocationId, NewId("eipassoc"), allocation.PublicIp);
        SetEntry(state, ReadModelTable.Addresses, allocation.AllocationId, allocation with { BoundSubnetId = command.SubnetId });
        try
        {
            await Subnet(command.SubnetId).BindAsync(command.NetworkInterfaceId, command.PrivateIp, binding);
        }
        catch (Ec2Exception)
        {
            SetEntry(state, ReadModelTable.Addresses, allocation.AllocationId, allocation);
            throw;
        }

        pastAssociations.Add(binding.AssociationId);
        return binding.AssociationId;
    }

    public async Task DisassociateAddressAsync(string? associationId, uint? publicIp)
    {
        AddressView? allocation;
        if (associationId is not null)
        {
            allocation = state.Addresses.Values.FirstOrDefault(a => CurrentBinding(a)?.Binding.AssociationId == associationId);
            if (allocation is null)
            {
                // Disassociating twice is not an error (seed 004); an id that never existed is.
                if (pastAssociations.Contains(associationId))
                {
                    return;
                }

                throw Ec2Errors.NotFound("InvalidAssociationID.NotFound", $"The association ID '{associationId}' does not exist");
            }
        }
        else
        {
            allocation = FindAllocation(null, publicIp);
        }

        if (allocation.BoundSubnetId is { } subnetId)
        {
            await Subnet(subnetId).UnbindAsync(allocation.AllocationId);
            SetEntry(state, ReadModelTable.Addresses, allocation.AllocationId, allocation with { BoundSubnetId = null });
        }
    }

    public Task ReleaseAddressAsync(string? allocationId, uint? publicIp)
    {
        var allocation = FindAllocation(allocationId, publicIp);
        if (CurrentBinding(allocation) is not null)
        {
            throw new Ec2Exception("InvalidIPAddress.InUse", $"The address with allocation id: '{allocation.AllocationId}' is in use.");
        }

        SetEntry(state, ReadModelTable.Addresses, allocation.AllocationId, null);
        allocatedIps.Remove(allocation.PublicIp);
        releasedIps.Add(allocation.PublicIp);
        return Task.CompletedTask;
    }

    private AddressView FindAllocation(string? allocationId, uint? publicIp)
    {
        if (allocationId is not null)
        {
            return state.Addresses.TryGetValue(allocationId, out var byId)
                ? byId
                : throw Ec2Errors.NotFound("InvalidAllocationID.NotFound", $"The allocation ID '{allocationId}' does not exist");
        }

        var ip = publicIp ?? throw Ec2Errors.MissingParameterMessage("Either public IP or allocation id must be specified");
        return state.Addresses.Values.FirstOrDefault(a => a.PublicIp == ip)
            ?? throw new Ec2Exception("AuthFailure", $"The address '{Ipv4.Format(ip)}' does not belong to you.", 401);
    }

    private BoundAddress? CurrentBinding(AddressView allocation) =>
        allocation.BoundSubnetId is { } subnetId && state.Subnets.TryGetValue(subnetId, out var subnet)
            ? subnet.BindingsByAllocation.GetValueOrDefault(allocation.AllocationId)
            : null;

    private ISubnetGrain Subnet(string subnetId) => GrainFactory.Get<ISubnetGrain>(GrainKeys.For(state, subnetId));
}
