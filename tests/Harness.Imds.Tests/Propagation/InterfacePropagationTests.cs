using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Propagation;

/// <summary>Hot-plugged interfaces and Elastic IPs that ride a moved address, through the wire on the fake clock.</summary>
public sealed class InterfacePropagationTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private static readonly TimeSpan JustBefore = TimeSpan.FromMilliseconds(1499);
    private static readonly TimeSpan LastTick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task AttachNetworkInterface_AppearsInMacsAfterTheDelay_AndDetachRemovesItAfterTheDelay()
    {
        var instance = await LaunchAsync();
        var created = await Harness.OkAsync("CreateNetworkInterface", new Dictionary<string, string> { ["SubnetId"] = instance.Network.SubnetId });
        var eni = HarnessFixture.Value(created, "networkInterfaceId");
        var mac = HarnessFixture.Value(created, "macAddress");

        var attached = await Harness.OkAsync("AttachNetworkInterface", new Dictionary<string, string>
        {
            ["NetworkInterfaceId"] = eni, ["InstanceId"] = instance.InstanceId, ["DeviceIndex"] = "1",
        });
        Harness.Advance(JustBefore);
        var before = await MacsAsync(instance);
        Harness.Advance(LastTick);
        var after = await MacsAsync(instance);
        var deviceNumber = await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{mac}/device-number");
        var interfaceId = await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{mac}/interface-id");

        await Harness.OkAsync("DetachNetworkInterface", new Dictionary<string, string> { ["AttachmentId"] = HarnessFixture.Value(attached, "attachmentId") });
        Harness.Advance(JustBefore);
        var beforeDetach = await MacsAsync(instance);
        Harness.Advance(LastTick);
        var afterDetach = await MacsAsync(instance);

        Assert.Equal([instance.Eth0.Mac + "/"], before);
        Assert.Equal([instance.Eth0.Mac + "/", mac + "/"], after);
        Assert.Equal("1", deviceNumber);
        Assert.Equal(eni, interfaceId);
        Assert.Equal([instance.Eth0.Mac + "/", mac + "/"], beforeDetach);
        Assert.Equal([instance.Eth0.Mac + "/"], afterDetach);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(instance.Address, $"/latest/meta-data/network/interfaces/macs/{mac}/device-number")).Status);
    }

    [Fact]
    public async Task ElasticIpOnAMovedAddress_RidesAlong_ToTheNewInstancesAssociations()
    {
        var network = await Topology.NetworkAsync(Harness);
        var from = await Topology.LaunchAsync(Harness, network);
        var to = await Topology.LaunchAsync(Harness, network);
        await Topology.AssignAsync(Harness, from.Eth0.NetworkInterfaceId, "10.0.1.50");
        var publicIp = await Topology.AssociateElasticIpAsync(Harness, from.Eth0.NetworkInterfaceId, "10.0.1.50");
        Propagate();
        Assert.Equal("10.0.1.50", await Harness.MetadataAsync(from.Address, $"network/interfaces/macs/{from.Eth0.Mac}/ipv4-associations/{publicIp}"));

        await Topology.AssignAsync(Harness, to.Eth0.NetworkInterfaceId, "10.0.1.50", allowReassignment: true);
        var described = await Harness.OkAsync("DescribeAddresses", new Dictionary<string, string> { ["PublicIp.1"] = publicIp });
        Propagate();

        Assert.Equal(to.Eth0.NetworkInterfaceId, HarnessFixture.Value(described, "networkInterfaceId"));
        Assert.Equal(publicIp, await Harness.MetadataAsync(to.Address, $"network/interfaces/macs/{to.Eth0.Mac}/public-ipv4s"));
        Assert.Equal("10.0.1.50", await Harness.MetadataAsync(to.Address, $"network/interfaces/macs/{to.Eth0.Mac}/ipv4-associations/{publicIp}"));
        var fromPublic = await Harness.GetImdsAsync(from.Address, $"/latest/meta-data/network/interfaces/macs/{from.Eth0.Mac}/public-ipv4s");
        Assert.Equal(HttpStatusCode.NotFound, fromPublic.Status);
    }

    [Fact]
    public async Task ElasticIpOnASecondary_ShowsPerMac_ButNotAsTheTopLevelPublicIpv4()
    {
        var instance = await LaunchAsync();
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");
        var publicIp = await Topology.AssociateElasticIpAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");
        Propagate();

        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/public-ipv4s"));
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/public-ipv4")).Status);
    }

    [Fact]
    public async Task TerminatedInstance_OnceTheTerminationPropagated_DropsTheConnection()
    {
        var instance = await LaunchAsync();

        await Harness.OkAsync("TerminateInstances", new Dictionary<string, string> { ["InstanceId.1"] = instance.InstanceId });
        var before = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");
        Propagate();

        Assert.Equal(HttpStatusCode.OK, before.Status);
        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id"));
    }

    private async Task<string[]> MacsAsync(Instance instance) =>
        (await Harness.MetadataAsync(instance.Address, "network/interfaces/macs/")).Split('\n');
}
