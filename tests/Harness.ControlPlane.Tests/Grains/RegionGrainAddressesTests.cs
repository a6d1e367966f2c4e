using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Grains;

public sealed class RegionGrainAddressesTests : IAsyncLifetime
{
    private readonly ControlPlaneHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => host.DisposeAsync().AsTask();

    [Fact]
    public async Task AssociateAddressAsync_SecondaryAddressReassigned_ElasticIpMovesWithIt()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var owner = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var eip = await AllocateAsync();
        var association = await AssociateAsync(eip, subnet, owner, "10.0.1.11");

        await host.AddressesOn(other).AssignAsync(Addresses(true, "10.0.1.11"));

        var view = host.SubnetView(subnet.SubnetId);
        Assert.Empty(view.AddressesOf(owner).Bindings);
        var binding = Assert.Single(view.AddressesOf(other).Bindings);
        Assert.Equal(Ip("10.0.1.11"), binding.Key);
        Assert.Equal(eip.AllocationId, binding.Value.AllocationId);
        Assert.Equal(association, binding.Value.AssociationId);
        Assert.Equal(eip.PublicIp, binding.Value.PublicIp);
        var bound = view.BindingsByAllocation[eip.AllocationId];
        Assert.Equal(other, bound.NetworkInterfaceId);
        Assert.Equal(Ip("10.0.1.11"), bound.PrivateIp);
    }

    [Fact]
    public async Task AssociateAddressAsync_PrimaryBinding_StaysWhenASecondaryMoves()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var owner = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var eip = await AllocateAsync();
        await AssociateAsync(eip, subnet, owner, null);

        await host.AddressesOn(other).AssignAsync(Addresses(true, "10.0.1.11"));

        var bound = host.SubnetView(subnet.SubnetId).BindingsByAllocation[eip.AllocationId];
        Assert.Equal(owner, bound.NetworkInterfaceId);
        Assert.Equal(Ip("10.0.1.10"), bound.PrivateIp);
    }

    [Fact]
    public async Task UnassignAsync_AddressWithElasticIp_DropsTheAssociation()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var eip = await AllocateAsync();
        await AssociateAsync(eip, subnet, eni, "10.0.1.11");

        await host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.11")], []);

        var view = host.SubnetView(subnet.SubnetId);
        Assert.Empty(view.AddressesOf(eni).Bindings);
        Assert.False(view.BindingsByAllocation.ContainsKey(eip.AllocationId));
        await host.Region.ReleaseAddressAsync(eip.AllocationId, null);
        Assert.False(host.State.Addresses.ContainsKey(eip.AllocationId));
    }

    [Fact]
    public async Task DeleteAsync_InterfaceWithElasticIp_DropsTheAssociation()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        var eip = await AllocateAsync();
        await AssociateAsync(eip, subnet, eni, null);

        await host.Interface(eni).DeleteAsync(evenIfAttached: false);

        Assert.Empty(host.SubnetView(subnet.SubnetId).BindingsByAllocation);
        await host.Region.ReleaseAddressAsync(eip.AllocationId, null);
    }

    [Fact]
    public async Task DisassociateAddressAsync_Twice_IsNoError()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        var eip = await AllocateAsync();
        var association = await AssociateAsync(eip, subnet, eni, null);

        await host.Region.DisassociateAddressAsync(association, null);
        await host.Region.DisassociateAddressAsync(association, null);

        Assert.Empty(host.SubnetView(subnet.SubnetId).BindingsByAllocation);
        Assert.Null(host.State.Addresses[eip.AllocationId].BoundSubnetId);
    }

    [Fact]
    public async Task DisassociateAddressAsync_UnknownAssociationId_ThrowsNotFound()
    {
        await Ec2Assert.ThrowsAsync(
            "InvalidAssociationID.NotFound", () => host.Region.DisassociateAddressAsync("eipassoc-0123456789abcdef0", null));
    }

    [Fact]
    public async Task AssociateAddressAsync_AlreadyAssociatedAndReassociationFalse_ThrowsAlreadyAssociated()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var first = await host.CreateInterfaceAsync(subnet);
        var second = await host.CreateInterfaceAsync(subnet);
        var eip = await AllocateAsync();
        var association = await AssociateAsync(eip, subnet, first, null);

        await Ec2Assert.ThrowsAsync("Resource.AlreadyAssociated", () => AssociateAsync(eip, subnet, second, null, allowReassociation: false));

        var bound = host.SubnetView(subnet.SubnetId).BindingsByAllocation[eip.AllocationId];
        Assert.Equal(first, bound.NetworkInterfaceId);
        Assert.Equal(association, bound.Binding.AssociationId);
    }

    [Fact]
    public async Task AssociateAddressAsync_AlreadyAssociatedAndFlagOmitted_Reassociates()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var first = await host.CreateInterfaceAsync(subnet);
        var second = await host.CreateInterfaceAsync(subnet);
        var eip = await AllocateAsync();
        var old = await AssociateAsync(eip, subnet, first, null);

        var association = await AssociateAsync(eip, subnet, second, null, allowReassociation: null);

        var view = host.SubnetView(subnet.SubnetId);
        Assert.NotEqual(old, association);
        Assert.Empty(view.AddressesOf(first).Bindings);
        Assert.Equal(second, view.BindingsByAllocation[eip.AllocationId].NetworkInterfaceId);
    }

    [Fact]
    public async Task ReleaseAddressAsync_Associated_ThrowsInvalidIPAddressInUse()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        var eip = await AllocateAsync();
        await AssociateAsync(eip, subnet, eni, null);

        await Ec2Assert.ThrowsAsync("InvalidIPAddress.InUse", () => host.Region.ReleaseAddressAsync(eip.AllocationId, null));

        Assert.True(host.State.Addresses.ContainsKey(eip.AllocationId));
        Assert.True(host.SubnetView(subnet.SubnetId).BindingsByAllocation.ContainsKey(eip.AllocationId));
    }

    [Fact]
    public async Task AllocateAddressAsync_SixthAllocation_ThrowsAddressLimitExceeded()
    {
        var allocated = new List<AddressView>();
        for (var i = 0; i < 5; i++)
        {
            allocated.Add(await AllocateAsync());
        }

        await Ec2Assert.ThrowsAsync("AddressLimitExceeded", AllocateAsync);

        Assert.Equal(5, host.State.Addresses.Count);
        Assert.Equal(5, allocated.Select(a => a.PublicIp).Distinct().Count());
        await host.Region.ReleaseAddressAsync(allocated[0].AllocationId, null);
        await AllocateAsync();
    }

    [Fact]
    public async Task AllocateAddressAsync_PoolUsedUp_HandsOutReleasedAddressesAgainFreshOnesFirst()
    {
        var seen = new HashSet<uint>();
        var poolSize = 2 * 254;
        for (var i = 0; i < poolSize + 100; i++)
        {
            var eip = await AllocateAsync();
            Assert.True(seen.Add(eip.PublicIp) || i >= poolSize, $"allocation {i} reused {eip.PublicIp} while fresh addresses were left");
            await host.Region.ReleaseAddressAsync(eip.AllocationId, null);
        }

        Assert.Equal(poolSize, seen.Count);
    }

    [Fact]
    public async Task AssociateAddressAsync_UnknownAllocation_ThrowsNotFound()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);

        await Ec2Assert.ThrowsAsync(
            "InvalidAllocationID.NotFound",
            () => host.Region.AssociateAddressAsync(new AssociateAddressCommand("eipalloc-0123456789abcdef0", null, subnet.SubnetId, eni, 0, null)));
    }

    private Task<AddressView> AllocateAsync() => host.Region.AllocateAddressAsync(new AllocateAddressCommand("vpc", null, null, null, null, []));

    private Task<string> AssociateAsync(AddressView eip, SubnetView subnet, string eni, string? privateIp, bool? allowReassociation = null) =>
        host.Region.AssociateAddressAsync(new AssociateAddressCommand(
            eip.AllocationId, null, subnet.SubnetId, eni, privateIp is null ? 0 : Ip(privateIp), allowReassociation));
}
