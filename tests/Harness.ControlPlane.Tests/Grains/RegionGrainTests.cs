using Harness.ControlPlane.Abstractions;
using Harness.Domain.Ids;
using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Grains;

public sealed class RegionGrainTests
{
    [Fact]
    public async Task Ids_SameSeedSameCalls_AreIdentical()
    {
        var first = await RecordIdsAsync(seed: 1);
        var second = await RecordIdsAsync(seed: 1);

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public async Task Ids_DifferentSeeds_Differ()
    {
        var first = await RecordIdsAsync(seed: 1);
        var second = await RecordIdsAsync(seed: 2);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task NewInterfaceAsync_Ids_AreWellFormedWithIncreasingSequence()
    {
        await using var host = new ControlPlaneHost();

        var a = await host.Region.NewInterfaceAsync();
        var b = await host.Region.NewInterfaceAsync();

        Assert.True(ResourceIds.IsWellFormed("eni", a.NetworkInterfaceId));
        Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", a.MacAddress);
        Assert.True(b.Sequence > a.Sequence);
        Assert.NotEqual(a.NetworkInterfaceId, b.NetworkInterfaceId);
    }

    [Fact]
    public async Task CreateSubnetAsync_OverlappingCidr_ThrowsInvalidSubnetConflict()
    {
        await using var host = new ControlPlaneHost();
        var vpc = await host.CreateVpcAsync();
        await host.CreateSubnetAsync(vpc.VpcId, "10.0.1.0/24");

        await Ec2Assert.ThrowsAsync("InvalidSubnet.Conflict", () => host.CreateSubnetAsync(vpc.VpcId, "10.0.1.128/25"));
        await Ec2Assert.ThrowsAsync("InvalidSubnet.Range", () => host.CreateSubnetAsync(vpc.VpcId, "10.1.0.0/24"));
        await Ec2Assert.ThrowsAsync("InvalidSubnet.Range", () => host.CreateSubnetAsync(vpc.VpcId, "10.0.2.0/29"));

        Assert.Single(host.State.Subnets);
    }

    /// <summary>Runs one fixed scenario on a fresh control plane and records every id and MAC it produced, in order.</summary>
    private static async Task<List<string>> RecordIdsAsync(int seed)
    {
        await using var host = new ControlPlaneHost(seed);
        var ids = new List<string>();
        var vpc = await host.CreateVpcAsync();
        ids.Add(vpc.VpcId);
        ids.AddRange(host.State.SecurityGroups.Keys);
        var subnet = await host.Region.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, Cidr("10.0.1.0/24"), null, []));
        ids.Add(subnet.SubnetId);
        ids.Add(subnet.AvailabilityZone);
        var identity = await host.Region.NewInterfaceAsync();
        ids.Add(identity.NetworkInterfaceId);
        ids.Add(identity.MacAddress);
        var eni = await host.CreateInterfaceAsync(subnet, secondaries: Count(2));
        ids.Add(eni);
        ids.Add(host.State.NetworkInterfaces[eni].MacAddress);
        var instance = await host.LaunchAsync(subnet, "t3.micro", eni);
        ids.Add(instance);
        ids.Add(host.State.Instances[instance].ReservationId);
        ids.Add(host.State.Instances[instance].Attachments[0].AttachmentId);
        var eip = await host.Region.AllocateAddressAsync(new AllocateAddressCommand("vpc", null, null, null, null, []));
        ids.Add(eip.AllocationId);
        ids.Add(await host.Region.AssociateAddressAsync(new AssociateAddressCommand(eip.AllocationId, null, subnet.SubnetId, eni, 0, null)));
        return ids;
    }
}
