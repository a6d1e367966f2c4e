using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>GET /_harness/instances…: where each instance's metadata is served, and what is on its way to it.</summary>
public sealed class InstancesApiTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task GetInstance_HasExactlyTheDocumentedShape()
    {
        var instance = await LaunchAsync();

        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", mediaType);
        Assert.Equal(
            ["instanceId", "region", "imdsEndpoint", "imdsAddress", "state", "metadataState", "mac", "privateIpAddress", "pendingChanges", "inSync", "propagation",
                "metadataUrl"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(instance.InstanceId, body.GetProperty("instanceId").GetString());
        Assert.Equal("us-east-1", body.GetProperty("region").GetString());
        Assert.Equal($"http://127.1.1.1:{Harness.ImdsPort}", body.GetProperty("imdsEndpoint").GetString());
        Assert.Equal("127.1.1.1", body.GetProperty("imdsAddress").GetString());
        Assert.Equal("running", body.GetProperty("state").GetString());
        Assert.Equal("running", body.GetProperty("metadataState").GetString());
        Assert.Equal(instance.Eth0.Mac, body.GetProperty("mac").GetString());
        Assert.Equal(instance.Eth0.PrivateIp, body.GetProperty("privateIpAddress").GetString());
        Assert.Equal(0, body.GetProperty("pendingChanges").GetInt32());
        Assert.True(body.GetProperty("inSync").GetBoolean());
        Assert.Equal(HarnessFixture.Spec, body.GetProperty("propagation").GetString());
        Assert.Equal($"http://127.0.0.1:{Harness.ImdsPort}/{instance.InstanceId}/", body.GetProperty("metadataUrl").GetString());
    }

    [Fact]
    public async Task GetInstance_WithAChangeOnItsWay_IsOutOfSyncUntilItArrives()
    {
        var instance = await LaunchAsync();
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        var (_, during, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}");
        Propagate();
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}");

        Assert.Equal(1, during.GetProperty("pendingChanges").GetInt32());
        Assert.False(during.GetProperty("inSync").GetBoolean());
        Assert.Equal(0, after.GetProperty("pendingChanges").GetInt32());
        Assert.True(after.GetProperty("inSync").GetBoolean());
    }

    [Fact]
    public async Task GetInstance_AfterStop_ShowsTheControlPlaneStateAtOnce_AndTheMetadataStateAfterTheDelay()
    {
        var instance = await LaunchAsync();
        await Harness.OkAsync("StopInstances", new Dictionary<string, string> { ["InstanceId.1"] = instance.InstanceId });

        var (_, during, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}");
        Propagate();
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}");

        Assert.Equal(("stopped", "running"), (during.GetProperty("state").GetString(), during.GetProperty("metadataState").GetString()));
        Assert.Equal(("stopped", "stopped"), (after.GetProperty("state").GetString(), after.GetProperty("metadataState").GetString()));
        Assert.True(after.GetProperty("inSync").GetBoolean());
    }

    [Theory]
    [InlineData("/_harness/instances/i-0000000000000dead")]
    [InlineData("/_harness/instances/i-0000000000000dead/pending")]
    [InlineData("/_harness/instances/i-0000000000000dead/metadata")]
    public async Task UnknownInstance_Is404Problem(string path)
    {
        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Contains("i-0000000000000dead", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ListInstances_NamesEachInstanceWithItsOwnAddress()
    {
        var network = await Topology.NetworkAsync(Harness);
        var first = await Topology.LaunchAsync(Harness, network);
        var second = await Topology.LaunchAsync(Harness, network);

        var (status, body, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/instances");

        Assert.Equal(HttpStatusCode.OK, status);
        var listed = body.GetProperty("instances").EnumerateArray().Select(i => (i.GetProperty("instanceId").GetString(), i.GetProperty("imdsAddress").GetString()));
        Assert.Equal([(first.InstanceId, "127.1.1.1"), (second.InstanceId, "127.1.1.2")], listed);
    }

    [Fact]
    public async Task Pending_ListsTheChangeWithItsDueTime_UntilItIsSeen()
    {
        var instance = await LaunchAsync();
        var madeAt = Harness.Clock!.GetUtcNow();
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        var (status, during, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}/pending");
        Propagate();
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}/pending");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(instance.InstanceId, during.GetProperty("instanceId").GetString());
        var change = Assert.Single(during.GetProperty("pending").EnumerateArray());
        Assert.Equal("private-ipv4s", change.GetProperty("kind").GetString());
        Assert.Equal("pending", change.GetProperty("status").GetString());
        Assert.Equal(instance.Eth0.NetworkInterfaceId, change.GetProperty("networkInterfaceId").GetString());
        Assert.Equal(madeAt, change.GetProperty("madeAt").GetDateTimeOffset());
        Assert.Equal(madeAt.AddMilliseconds(1500), change.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("seenAt").ValueKind);
        Assert.Empty(after.GetProperty("pending").EnumerateArray());
    }

    [Fact]
    public async Task Flush_AppliesWhatIsPendingAtOnce()
    {
        var instance = await LaunchAsync();
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");
        await Topology.AssociateElasticIpAsync(Harness, instance.Eth0.NetworkInterfaceId, instance.Eth0.PrivateIp);

        var (status, report, _) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/propagation/flush");
        var (_, pending, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}/pending");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, report.GetProperty("applied").GetInt32());
        Assert.Empty(pending.GetProperty("pending").EnumerateArray());
        Assert.Contains("10.0.1.50", (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s")).Split('\n'));
        Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/public-ipv4")).Status);
    }

    [Fact]
    public async Task Metadata_ShowsSeenAgainstDesired()
    {
        var instance = await LaunchAsync();
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        var (status, body, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}/metadata");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("inSync").GetBoolean());
        Assert.Equal([instance.Eth0.PrivateIp], LocalIpv4s(body.GetProperty("seen")));
        Assert.Equal([instance.Eth0.PrivateIp, "10.0.1.50"], LocalIpv4s(body.GetProperty("desired")));
    }

    private static IEnumerable<string?> LocalIpv4s(JsonElement view) =>
        view.GetProperty("interfaces")[0].GetProperty("localIpv4s").EnumerateArray().Select(a => a.GetString());
}
