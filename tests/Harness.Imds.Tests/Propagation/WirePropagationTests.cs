using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Propagation;

/// <summary>
/// Changes made through the EC2 API reach an instance's metadata only after the propagation delay (fixed(1500ms)),
/// measured on the fake clock: the API shows them at once, IMDS at 1500 ms and not at 1499 ms.
/// </summary>
public sealed class WirePropagationTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private static readonly TimeSpan JustBefore = TimeSpan.FromMilliseconds(1499);
    private static readonly TimeSpan LastTick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task AssignPrivateIpAddresses_IsInDescribeAtOnce_AndInLocalIpv4sOnlyAfter1500ms()
    {
        var instance = await LaunchAsync();
        var eth0 = instance.Eth0;

        await Topology.AssignAsync(Harness, eth0.NetworkInterfaceId, "10.0.1.50");
        var described = await Topology.DescribedAddressesAsync(Harness, eth0.NetworkInterfaceId);
        var atOnce = await LocalIpv4sAsync(instance, eth0);
        Harness.Advance(JustBefore);
        var at1499 = await LocalIpv4sAsync(instance, eth0);
        Harness.Advance(LastTick);
        var at1500 = await LocalIpv4sAsync(instance, eth0);

        Assert.Equal([eth0.PrivateIp, "10.0.1.50"], described);
        Assert.Equal([eth0.PrivateIp], atOnce);
        Assert.Equal([eth0.PrivateIp], at1499);
        Assert.Equal([eth0.PrivateIp, "10.0.1.50"], at1500);
    }

    [Fact]
    public async Task AllowReassignmentMove_ConvergesOnBothInstancesAfterTheDelay()
    {
        var network = await Topology.NetworkAsync(Harness);
        var from = await Topology.LaunchAsync(Harness, network);
        var to = await Topology.LaunchAsync(Harness, network);
        await Topology.AssignAsync(Harness, from.Eth0.NetworkInterfaceId, "10.0.1.50");
        Propagate();
        Assert.Contains("10.0.1.50", await LocalIpv4sAsync(from, from.Eth0));

        await Topology.AssignAsync(Harness, to.Eth0.NetworkInterfaceId, "10.0.1.50", allowReassignment: true);
        var describedFrom = await Topology.DescribedAddressesAsync(Harness, from.Eth0.NetworkInterfaceId);
        var describedTo = await Topology.DescribedAddressesAsync(Harness, to.Eth0.NetworkInterfaceId);
        Harness.Advance(JustBefore);
        var staleFrom = await LocalIpv4sAsync(from, from.Eth0);
        var staleTo = await LocalIpv4sAsync(to, to.Eth0);
        Harness.Advance(LastTick);

        Assert.DoesNotContain("10.0.1.50", describedFrom);
        Assert.Contains("10.0.1.50", describedTo);
        Assert.Contains("10.0.1.50", staleFrom);
        Assert.DoesNotContain("10.0.1.50", staleTo);
        Assert.Equal([from.Eth0.PrivateIp], await LocalIpv4sAsync(from, from.Eth0));
        Assert.Equal([to.Eth0.PrivateIp, "10.0.1.50"], await LocalIpv4sAsync(to, to.Eth0));
    }

    [Fact]
    public async Task AssociateAddress_ShowsInPublicIpv4sAndPublicIpv4_AfterTheDelay()
    {
        var instance = await LaunchAsync();
        var eth0 = instance.Eth0;
        var publicIps = $"/latest/meta-data/network/interfaces/macs/{eth0.Mac}/public-ipv4s";

        var publicIp = await Topology.AssociateElasticIpAsync(Harness, eth0.NetworkInterfaceId, eth0.PrivateIp);
        var atOnce = await Harness.GetImdsAsync(instance.Address, publicIps);
        Harness.Advance(JustBefore);
        var at1499 = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/public-ipv4");
        Harness.Advance(LastTick);

        Assert.Equal(HttpStatusCode.NotFound, atOnce.Status);
        Assert.Equal(HttpStatusCode.NotFound, at1499.Status);
        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{eth0.Mac}/public-ipv4s"));
        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, "public-ipv4"));
    }

    [Fact]
    public async Task StoppedInstance_OnceTheStopPropagated_DropsTheConnection_AndServesAgainAfterStart()
    {
        var instance = await LaunchAsync();
        var stop = new Dictionary<string, string> { ["InstanceId.1"] = instance.InstanceId };

        await Harness.OkAsync("StopInstances", stop);
        var beforeStopSeen = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");
        Propagate();
        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id"));
        await Harness.OkAsync("StartInstances", stop);
        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id"));
        Propagate();
        var afterStart = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");

        Assert.Equal(HttpStatusCode.OK, beforeStopSeen.Status);
        Assert.Equal(HttpStatusCode.OK, afterStart.Status);
        Assert.Equal(instance.InstanceId, afterStart.Body);
    }

    [Fact]
    public async Task ToolAddress_WithInstanceHeader_ServesThatInstance()
    {
        var network = await Topology.NetworkAsync(Harness);
        await Topology.LaunchAsync(Harness, network);
        var second = await Topology.LaunchAsync(Harness, network);

        var reply = await Harness.GetImdsAsync("127.0.0.1", "/latest/meta-data/local-ipv4", (ImdsHeaders.Instance, second.InstanceId));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(second.Eth0.PrivateIp, reply.Body);
        Assert.Equal(Harness.ImdsBaseUrl, $"http://127.0.0.1:{Harness.ImdsPort}");
    }

    [Fact]
    public async Task ToolAddress_WithoutInstanceHeader_Is400()
    {
        await LaunchAsync();

        var reply = await Harness.GetImdsAsync("127.0.0.1", "/latest/meta-data/instance-id");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(ImdsHeaders.Instance, reply.Body);
    }

    [Fact]
    public async Task ToolAddress_WithUnknownInstance_Is404()
    {
        await LaunchAsync();

        var reply = await Harness.GetImdsAsync("127.0.0.1", "/latest/meta-data/instance-id", (ImdsHeaders.Instance, "i-0000000000000dead"));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
    }

    [Fact]
    public async Task AddressOfNoInstance_DropsTheConnection()
    {
        await LaunchAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync("127.1.1.200", "/latest/meta-data/instance-id"));
    }

    private async Task<string[]> LocalIpv4sAsync(Instance instance, Nic nic) =>
        (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{nic.Mac}/local-ipv4s")).Split('\n');
}
