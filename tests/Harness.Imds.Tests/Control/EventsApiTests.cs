using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>GET /_harness/events?instanceId=&amp;after=&amp;limit=: the timeline of changes and when instances saw them.</summary>
public sealed class EventsApiTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task Events_RecordLaunchThenChange_WithMadeDueAndSeenTimes()
    {
        var instance = await LaunchAsync();
        var madeAt = Harness.Clock!.GetUtcNow();
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        var (_, during, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/events?instanceId={instance.InstanceId}");
        Propagate();
        var (status, after, mediaType) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/events?instanceId={instance.InstanceId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", mediaType);
        Assert.Equal(["events", "lastSequence", "dropped"], after.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, after.GetProperty("dropped").GetInt64());
        var events = after.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["instance-launched", "private-ipv4s"], events.Select(e => e.GetProperty("kind").GetString()));
        var launched = events[0];
        Assert.Equal("applied", launched.GetProperty("status").GetString());
        Assert.Equal(launched.GetProperty("madeAt").GetDateTimeOffset(), launched.GetProperty("seenAt").GetDateTimeOffset());
        var change = events[1];
        Assert.Equal(instance.InstanceId, change.GetProperty("instanceId").GetString());
        Assert.Equal(instance.Eth0.Mac, change.GetProperty("mac").GetString());
        Assert.Contains("+10.0.1.50", change.GetProperty("detail").GetString());
        Assert.Equal(madeAt, change.GetProperty("madeAt").GetDateTimeOffset());
        Assert.Equal(madeAt.AddMilliseconds(1500), change.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(madeAt.AddMilliseconds(1500), change.GetProperty("seenAt").GetDateTimeOffset());
        Assert.Equal("applied", change.GetProperty("status").GetString());
        var pending = during.GetProperty("events")[1];
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("seenAt").ValueKind);
        Assert.Equal(change.GetProperty("sequence").GetInt64(), after.GetProperty("lastSequence").GetInt64());
    }

    [Fact]
    public async Task Events_FilteredByInstance_AndPagedWithAfterAndLimit()
    {
        var network = await Topology.NetworkAsync(Harness);
        var first = await Topology.LaunchAsync(Harness, network);
        var second = await Topology.LaunchAsync(Harness, network);
        await Topology.AssignAsync(Harness, first.Eth0.NetworkInterfaceId, "10.0.1.50");
        await Topology.AssignAsync(Harness, second.Eth0.NetworkInterfaceId, "10.0.1.51");

        var (_, all, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/events");
        var (_, mine, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/events?instanceId={second.InstanceId}");
        var firstSequence = all.GetProperty("events")[0].GetProperty("sequence").GetInt64();
        var (_, page, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/events?after={firstSequence}&limit=2");

        Assert.Equal(4, all.GetProperty("events").GetArrayLength());
        Assert.All(mine.GetProperty("events").EnumerateArray(), e => Assert.Equal(second.InstanceId, e.GetProperty("instanceId").GetString()));
        Assert.Equal(2, mine.GetProperty("events").GetArrayLength());
        Assert.Equal(
            all.GetProperty("events").EnumerateArray().Skip(1).Take(2).Select(e => e.GetProperty("sequence").GetInt64()),
            page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(all.GetProperty("lastSequence").GetInt64(), page.GetProperty("lastSequence").GetInt64());
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=abc", "after")]
    [InlineData("after=1.5", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-5", "limit")]
    public async Task Events_WithABadNumber_Is400Problem(string query, string parameter)
    {
        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/events?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Contains($"\"{parameter}\"", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Events_ForUnknownInstance_IsAnEmptyPage()
    {
        await LaunchAsync();

        var (status, body, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/events?instanceId=i-0000000000000dead");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body.GetProperty("events").EnumerateArray());
    }
}
