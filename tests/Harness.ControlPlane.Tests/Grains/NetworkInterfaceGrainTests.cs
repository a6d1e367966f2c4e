using Harness.ControlPlane.Abstractions;
using Harness.Domain.Net;
using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Grains;

public sealed class NetworkInterfaceGrainTests : IAsyncLifetime
{
    private readonly ControlPlaneHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => host.DisposeAsync().AsTask();

    [Fact]
    public async Task CreateAsync_NoPrimaryGiven_DrawsFirstUsableAddress()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");

        var first = await host.CreateInterfaceAsync(subnet);
        var second = await host.CreateInterfaceAsync(subnet);

        Assert.Equal(Ip("10.0.1.4"), host.AddressesOf(subnet.SubnetId, first).Primary);
        Assert.Equal(Ip("10.0.1.5"), host.AddressesOf(subnet.SubnetId, second).Primary);
        Assert.Equal("available", host.State.NetworkInterfaces[first].Status);
    }

    [Theory]
    [InlineData("10.0.1.0")]
    [InlineData("10.0.1.1")]
    [InlineData("10.0.1.2")]
    [InlineData("10.0.1.3")]
    [InlineData("10.0.1.255")]
    [InlineData("10.0.2.4")]
    [InlineData("10.0.0.255")]
    public async Task CreateAsync_ReservedOrOutsidePrimary_ThrowsInvalidParameterValue(string primary)
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");

        await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.CreateInterfaceAsync(subnet, primary));

        Assert.Empty(host.SubnetView(subnet.SubnetId).Interfaces);
        Assert.Empty(host.State.NetworkInterfaces);
        Assert.Equal(251, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);
    }

    [Theory]
    [InlineData("10.0.1.3")]
    [InlineData("10.0.1.255")]
    [InlineData("10.0.2.9")]
    public async Task AssignAsync_ReservedOrOutsideAddress_ThrowsInvalidParameterValue(string address)
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.AddressesOn(eni).AssignAsync(Addresses(false, address)));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
    }

    [Fact]
    public async Task CreateAsync_PrimaryInUse_ThrowsInvalidIPAddressInUse()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        await host.CreateInterfaceAsync(subnet, "10.0.1.10");

        var error = await Ec2Assert.ThrowsAsync("InvalidIPAddress.InUse", () => host.CreateInterfaceAsync(subnet, "10.0.1.10"));

        Assert.Contains("10.0.1.10", error.Message, StringComparison.Ordinal);
        Assert.Single(host.SubnetView(subnet.SubnetId).Interfaces);
    }

    [Fact]
    public async Task CreateAsync_SecondaryHeldByAnotherInterface_ThrowsInvalidIPAddressInUse()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var owner = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync(
            "InvalidIPAddress.InUse", () => host.CreateInterfaceAsync(subnet, "10.0.1.20", Addresses(true, "10.0.1.11")));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Contains(Ip("10.0.1.11"), host.AddressesOf(subnet.SubnetId, owner).Secondaries);
    }

    [Fact]
    public async Task AssignAsync_AddressOfAnotherInterfaceWithoutReassignment_ThrowsMoveNotAllowed()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var owner = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var before = host.SubnetView(subnet.SubnetId);

        var error = await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.AddressesOn(other).AssignAsync(Addresses(false, "10.0.1.11")));

        Assert.Contains("move is not allowed", error.Message, StringComparison.Ordinal);
        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Equal<uint>([Ip("10.0.1.11")], host.AddressesOf(subnet.SubnetId, owner).Secondaries);
    }

    [Fact]
    public async Task AssignAsync_AddressOfAnotherInterfaceWithReassignment_MovesAddress()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var owner = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11", "10.0.1.12"));
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var available = host.SubnetView(subnet.SubnetId).AvailableIpAddressCount;

        var result = await host.AddressesOn(other).AssignAsync(Addresses(true, "10.0.1.11"));

        Assert.Equal<uint>([Ip("10.0.1.11")], result.Addresses);
        Assert.Empty(result.Prefixes);
        Assert.Equal<uint>([Ip("10.0.1.12")], host.AddressesOf(subnet.SubnetId, owner).Secondaries);
        Assert.Equal<uint>([Ip("10.0.1.11")], host.AddressesOf(subnet.SubnetId, other).Secondaries);
        Assert.Equal(available, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public async Task AssignAsync_AddressAlreadyHeld_ReportsNothing()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var available = host.SubnetView(subnet.SubnetId).AvailableIpAddressCount;

        var again = await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        var primary = await host.AddressesOn(eni).AssignAsync(Addresses(true, "10.0.1.10"));

        Assert.Empty(again.Addresses);
        Assert.Empty(primary.Addresses);
        Assert.Equal<uint>([Ip("10.0.1.11")], host.AddressesOf(subnet.SubnetId, eni).Secondaries);
        Assert.Equal(available, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public async Task AssignAsync_HeldAndNewAddresses_ReportsOnlyNewOnes()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));

        var result = await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11", "10.0.1.12", "10.0.1.12"));

        Assert.Equal<uint>([Ip("10.0.1.12")], result.Addresses);
        Assert.Equal<uint>([Ip("10.0.1.11"), Ip("10.0.1.12")], host.AddressesOf(subnet.SubnetId, eni).Secondaries);
    }

    [Fact]
    public async Task AssignAsync_CountDrawn_ReportsDrawnAddresses()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);

        var result = await host.AddressesOn(eni).AssignAsync(Count(3));

        Assert.Equal<uint>([Ip("10.0.1.5"), Ip("10.0.1.6"), Ip("10.0.1.7")], result.Addresses);
        Assert.Equal<uint>(result.Addresses, host.AddressesOf(subnet.SubnetId, eni).Secondaries);
    }

    [Fact]
    public async Task AssignAsync_PrimaryOfAnotherInterface_IsNeverMoved()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var owner = await host.CreateInterfaceAsync(subnet, "10.0.1.10");
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync("InvalidIPAddress.InUse", () => host.AddressesOn(other).AssignAsync(Addresses(true, "10.0.1.10")));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Equal(Ip("10.0.1.10"), host.AddressesOf(subnet.SubnetId, owner).Primary);
        Assert.Empty(host.AddressesOf(subnet.SubnetId, other).Secondaries);
    }

    [Fact]
    public async Task UnassignAsync_Primary_ThrowsInvalidParameterValue()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.11"), Ip("10.0.1.10")], []));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Equal(Ip("10.0.1.10"), host.AddressesOf(subnet.SubnetId, eni).Primary);
        Assert.Equal<uint>([Ip("10.0.1.11")], host.AddressesOf(subnet.SubnetId, eni).Secondaries);
    }

    [Fact]
    public async Task UnassignAsync_AddressNotHeld_ThrowsAndChangesNothing()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.20", Addresses(false, "10.0.1.21"));
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.11"), Ip("10.0.1.21")], []));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Equal<uint>([Ip("10.0.1.21")], host.AddressesOf(subnet.SubnetId, other).Secondaries);
    }

    [Fact]
    public async Task UnassignAsync_AddressesAndPrefixes_FreesThem()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11", "10.0.1.12"));
        await host.AddressesOn(eni).AssignAsync(Prefixes("10.0.1.32", "10.0.1.48"));
        Assert.Equal(251 - 3 - 32, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);

        await host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.11")], [Ip("10.0.1.32")]);

        var addresses = host.AddressesOf(subnet.SubnetId, eni);
        Assert.Equal<uint>([Ip("10.0.1.12")], addresses.Secondaries);
        Assert.Equal<uint>([Ip("10.0.1.48")], addresses.Prefixes);
        Assert.Equal(251 - 2 - 16, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);
        var other = await host.CreateInterfaceAsync(subnet, "10.0.1.11", Addresses(false, "10.0.1.33"));
        Assert.Equal<uint>([Ip("10.0.1.33")], host.AddressesOf(subnet.SubnetId, other).Secondaries);
    }

    [Fact]
    public async Task AssignAsync_UnattachedBeyondFifty_ThrowsPrivateIpAddressLimitExceeded()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        await host.AddressesOn(eni).AssignAsync(Count(49));
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync("PrivateIpAddressLimitExceeded", () => host.AddressesOn(eni).AssignAsync(Count(1)));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Equal(50, host.AddressesOf(subnet.SubnetId, eni).Ipv4Count);
    }

    [Fact]
    public async Task AssignAsync_AttachedAtLaunch_UsesInstanceTypeLimit()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        await host.LaunchAsync(subnet, "t3.micro", eni);

        await host.AddressesOn(eni).AssignAsync(Count(1));
        await Ec2Assert.ThrowsAsync("PrivateIpAddressLimitExceeded", () => host.AddressesOn(eni).AssignAsync(Count(1)));

        Assert.Equal(2, host.AddressesOf(subnet.SubnetId, eni).Ipv4Count);
    }

    [Fact]
    public async Task AssignAsync_AttachedThenDetached_LimitFollowsAttachment()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var instance = await host.LaunchAsync(subnet, "t3.large", await host.CreateInterfaceAsync(subnet));
        var eni = await host.CreateInterfaceAsync(subnet);
        var attachment = await host.AttachAsync(instance, eni, 1);

        await host.AddressesOn(eni).AssignAsync(Count(11));
        await Ec2Assert.ThrowsAsync("PrivateIpAddressLimitExceeded", () => host.AddressesOn(eni).AssignAsync(Count(1)));
        await host.Instance(instance).DetachAsync(attachment, force: false);
        await host.AddressesOn(eni).AssignAsync(Count(1));

        Assert.Equal(13, host.AddressesOf(subnet.SubnetId, eni).Ipv4Count);
    }

    [Fact]
    public async Task AssignAsync_Prefixes_CountOneEachTowardTheLimit()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        await host.LaunchAsync(subnet, "m5.large", eni);

        var result = await host.AddressesOn(eni).AssignAsync(PrefixCount(8));
        await host.AddressesOn(eni).AssignAsync(Count(1));
        var before = host.SubnetView(subnet.SubnetId);
        await Ec2Assert.ThrowsAsync("PrivateIpAddressLimitExceeded", () => host.AddressesOn(eni).AssignAsync(PrefixCount(1)));
        await Ec2Assert.ThrowsAsync("PrivateIpAddressLimitExceeded", () => host.AddressesOn(eni).AssignAsync(Count(1)));

        Assert.Equal(8, result.Prefixes.Length);
        Assert.Empty(result.Addresses);
        Assert.Same(before, host.SubnetView(subnet.SubnetId));
        Assert.Equal(10, host.AddressesOf(subnet.SubnetId, eni).Ipv4Count);
    }

    [Fact]
    public async Task AssignAsync_RequestOverLimitInOneCall_ThrowsAndAssignsNothing()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        await host.LaunchAsync(subnet, "t3.micro", eni);
        var before = host.SubnetView(subnet.SubnetId);

        await Ec2Assert.ThrowsAsync(
            "PrivateIpAddressLimitExceeded", () => host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.30", "10.0.1.31")));

        Assert.Same(before, host.SubnetView(subnet.SubnetId));
    }

    [Fact]
    public async Task DeleteAsync_Detached_FreesAllAddresses()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        await host.AddressesOn(eni).AssignAsync(PrefixCount(1));

        await host.Interface(eni).DeleteAsync(evenIfAttached: false);

        Assert.Empty(host.SubnetView(subnet.SubnetId).Interfaces);
        Assert.False(host.State.NetworkInterfaces.ContainsKey(eni));
        Assert.Equal(251, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);
        await Ec2Assert.ThrowsAsync("InvalidNetworkInterfaceID.NotFound", () => host.Subnet(subnet.SubnetId).AssignAsync(eni, Count(1)));
    }

    [Fact]
    public async Task DeleteAsync_Attached_ThrowsAndKeepsInterface()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        await host.LaunchAsync(subnet, "t3.micro", eni);

        await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.Interface(eni).DeleteAsync(evenIfAttached: false));

        Assert.True(host.State.NetworkInterfaces.ContainsKey(eni));
        Assert.Equal(Ip("10.0.1.4"), host.AddressesOf(subnet.SubnetId, eni).Primary);
    }

    [Fact]
    public async Task CreateAsync_Secondaries_AreAssignedWithThePrimary()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");

        var eni = await host.CreateInterfaceAsync(subnet, "10.0.1.50", new AddressRequest([Ip("10.0.1.60")], 2, [], 1, false, 0));

        var addresses = host.AddressesOf(subnet.SubnetId, eni);
        Assert.Equal(Ip("10.0.1.50"), addresses.Primary);
        Assert.Equal(3, addresses.Secondaries.Length);
        Assert.Contains(Ip("10.0.1.60"), addresses.Secondaries);
        Assert.Single(addresses.Prefixes);
        Assert.Equal(251 - 4 - 16, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);
        Assert.Equal(Ipv4.Format(Ip("10.0.1.50")), Ipv4.Format(addresses.Primary));
    }
}
