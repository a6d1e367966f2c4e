using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>Per-instance and per-interface delay models: PUT/DELETE /_harness/propagation/{instances|interfaces}/{id}.</summary>
public sealed class OverrideApiTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task InstanceOverride_DelaysThatInstanceOnly_UntilDeleted()
    {
        var network = await Topology.NetworkAsync(Harness);
        var slow = await Topology.LaunchAsync(Harness, network);
        var other = await Topology.LaunchAsync(Harness, network);

        var (status, settings, _) = await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/instances/{slow.InstanceId}", """{"imds":"fixed(3000ms)"}""");
        var (_, described, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{slow.InstanceId}");
        await Topology.AssignAsync(Harness, slow.Eth0.NetworkInterfaceId, "10.0.1.50");
        await Topology.AssignAsync(Harness, other.Eth0.NetworkInterfaceId, "10.0.1.51");
        Propagate();
        var slowAt1500 = await LocalIpv4sAsync(slow);
        var otherAt1500 = await LocalIpv4sAsync(other);
        Harness.Advance(TimeSpan.FromMilliseconds(1500));
        var slowAt3000 = await LocalIpv4sAsync(slow);
        var (deleted, afterDelete, _) = await Harness.ControlAsync(HttpMethod.Delete, $"/_harness/propagation/instances/{slow.InstanceId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("fixed(3s)", settings.GetProperty("instances").GetProperty(slow.InstanceId).GetString());
        Assert.Equal("fixed(3s)", described.GetProperty("propagation").GetString());
        Assert.DoesNotContain("10.0.1.50", slowAt1500);
        Assert.Contains("10.0.1.51", otherAt1500);
        Assert.Contains("10.0.1.50", slowAt3000);
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Empty(afterDelete.GetProperty("instances").EnumerateObject());
    }

    [Fact]
    public async Task InterfaceOverride_BeatsInstanceOverride_AndNeverWaitsForAFlush()
    {
        var instance = await LaunchAsync();
        var eth0 = instance.Eth0;
        await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/instances/{instance.InstanceId}", """{"imds":"fixed(3s)"}""");

        var (status, settings, _) = await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/interfaces/{eth0.NetworkInterfaceId}", """{"imds":"never"}""");
        await Topology.AssignAsync(Harness, eth0.NetworkInterfaceId, "10.0.1.50");
        Harness.Advance(TimeSpan.FromMinutes(10));
        var (_, pending, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}/pending");
        var beforeFlush = await LocalIpv4sAsync(instance);
        var (_, flushed, _) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/propagation/flush");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("never", settings.GetProperty("interfaces").GetProperty(eth0.NetworkInterfaceId).GetString());
        var change = Assert.Single(pending.GetProperty("pending").EnumerateArray());
        Assert.Equal("never", change.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("dueAt").ValueKind);
        Assert.DoesNotContain("10.0.1.50", beforeFlush);
        Assert.Equal(1, flushed.GetProperty("applied").GetInt32());
        Assert.Contains("10.0.1.50", await LocalIpv4sAsync(instance));
    }

    [Fact]
    public async Task DeleteInterfaceOverride_RemovesIt()
    {
        var instance = await LaunchAsync();
        var path = $"/_harness/propagation/interfaces/{instance.Eth0.NetworkInterfaceId}";
        await Harness.ControlAsync(HttpMethod.Put, path, """{"imds":"fixed(9s)"}""");

        var (status, settings, _) = await Harness.ControlAsync(HttpMethod.Delete, path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(settings.GetProperty("interfaces").EnumerateObject());
    }

    [Theory]
    [InlineData("instances/i-0000000000000dead")]
    [InlineData("interfaces/eni-0000000000000dead")]
    public async Task PutOverride_ForUnknownResource_Is404Problem(string target)
    {
        var (status, _, mediaType) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation/" + target, """{"imds":"fixed(1s)"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    [Theory]
    [InlineData("""{"imds":"uniform(100ms,9x)"}""", 14)]
    [InlineData("""{"imds":"fixed(1s)","kinds":{}}""", null)]
    [InlineData("""{"delay":"fixed(1s)"}""", null)]
    [InlineData("""{}""", null)]
    [InlineData("""{"imds":2}""", null)]
    public async Task PutOverride_WithABadBody_Is400ProblemAndChangesNothing(string json, int? position)
    {
        var instance = await LaunchAsync();

        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/instances/{instance.InstanceId}", json);
        var (_, settings, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal("imds", body.GetProperty("field").GetString());
        if (position is not null)
        {
            Assert.Equal(position, body.GetProperty("position").GetInt32());
        }

        Assert.Empty(settings.GetProperty("instances").EnumerateObject());
    }

    private async Task<string[]> LocalIpv4sAsync(Instance instance) =>
        (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s")).Split('\n');
}
