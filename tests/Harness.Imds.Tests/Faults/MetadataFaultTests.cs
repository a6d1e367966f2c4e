using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Faults;

/// <summary>Metadata faults on the wire, on fake time: errors, token errors, latency, throttling that drops, stale reads, scope.</summary>
public sealed class MetadataFaultTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task Error_AtFullRate_Answers503OnReads_TokensStillWork()
    {
        var instance = await LaunchAsync();
        await AddAsync($"imds-error(status=503, instance={instance.InstanceId})", "brownout");

        var read = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");
        var token = await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, "60"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.Status);
        Assert.Contains("503 - Service Unavailable", read.Body, StringComparison.Ordinal);
        Assert.Equal("EC2ws", read.Server);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        var touched = await TouchedAsync();
        var only = Assert.Single(touched);
        Assert.Equal(("brownout", "imds", instance.InstanceId, "/latest/meta-data/instance-id", "answered 503"),
            (only.GetProperty("name").GetString(), only.GetProperty("channel").GetString(), only.GetProperty("instanceId").GetString(),
             only.GetProperty("target").GetString(), only.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Error_AtARate_TouchesThatFractionOfReads()
    {
        var instance = await LaunchAsync();
        await AddAsync("imds-error(status=500, rate=30%)");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 600; i++)
        {
            statuses.Add((await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);
        }

        var failed = statuses.Count(s => s == HttpStatusCode.InternalServerError);
        Assert.Equal(600, failed + statuses.Count(s => s == HttpStatusCode.OK));
        Assert.InRange(failed / 600.0, 0.24, 0.36);
        Assert.Equal(failed, (await TouchedAsync()).Count);
    }

    [Fact]
    public async Task TokenError_FailsTheTokenEndpointOnly()
    {
        var instance = await LaunchAsync();
        await AddAsync("imds-token-error(status=404)");

        var token = await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, "60"));
        var read = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");

        Assert.Equal(HttpStatusCode.NotFound, token.Status);
        Assert.Equal((HttpStatusCode.OK, instance.InstanceId), (read.Status, read.Body));
    }

    [Fact]
    public async Task Latency_HoldsTheReplyUntilTheClockMoves()
    {
        var instance = await LaunchAsync();
        await AddAsync("imds-latency(delay=fixed(2s))");

        var pending = Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");
        await WaitForTouchAsync(1);
        Harness.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);

        Harness.Advance(TimeSpan.FromMilliseconds(1));
        var reply = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((HttpStatusCode.OK, instance.InstanceId), (reply.Status, reply.Body));
        Assert.Equal("+2s", Assert.Single(await TouchedAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Throttle_DropsRequestsOverTheAllowance_UntilTokensComeBack()
    {
        var instance = await LaunchAsync();
        await AddAsync($"imds-throttle(pps=3, hold=20s, instance={instance.InstanceId})");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);
        }

        // The fourth gets no answer at all: the client's own time-out ends it, not an HTTP status.
        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{instance.Address}:{Harness.ImdsPort}/latest/meta-data/mac");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Harness.Imds.SendAsync(request, patience.Token));
        var dropped = Assert.Single(await TouchedAsync());
        Assert.Equal("dropped: over 3 packets per second", dropped.GetProperty("detail").GetString());

        // A third of a second brings one token back.
        Harness.Advance(TimeSpan.FromMilliseconds(334));
        Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);
    }

    [Fact]
    public async Task Throttle_ADroppedRequestIsTouchedByNoOtherFault()
    {
        var instance = await LaunchAsync();
        await AddAsync("imds-latency(delay=fixed(0ms))", "slow");
        await AddAsync("imds-throttle(pps=1, hold=1s)", "throttle");
        Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);

        var held = Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac");
        await WaitForTouchAsync(2);
        Harness.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<HttpRequestException>(() => held.WaitAsync(TimeSpan.FromSeconds(10)));

        var touched = (await TouchedAsync()).Select(e => (e.GetProperty("name").GetString(), e.GetProperty("detail").GetString())).ToList();
        Assert.Equal([("slow", "+0ms"), ("throttle", "dropped: over 1 packets per second")], touched);
    }

    [Fact]
    public async Task Throttle_ResetsTheConnectionAfterTheHold_WhenTheClientWaits()
    {
        var instance = await LaunchAsync();
        await AddAsync("imds-throttle(pps=1, hold=5s)");
        Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);

        var held = Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac");
        await WaitForTouchAsync(1);
        Harness.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<HttpRequestException>(() => held.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Stale_ServesTheViewAsItWasAgeAgo()
    {
        var instance = await LaunchAsync();
        var mac = instance.Eth0.Mac;
        await AddAsync("imds-stale(rate=100%, age=1s)");
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.77");
        Propagate();
        var path = $"/latest/meta-data/network/interfaces/macs/{mac}/local-ipv4s";

        var stale = await Harness.GetImdsAsync(instance.Address, path);
        Harness.Advance(TimeSpan.FromSeconds(1));
        var later = await Harness.GetImdsAsync(instance.Address, path);

        Assert.Equal([instance.Eth0.PrivateIp], stale.Lines);
        Assert.Equal([instance.Eth0.PrivateIp, "10.0.1.77"], later.Lines);
        var details = (await TouchedAsync()).Select(e => e.GetProperty("detail").GetString()).ToList();
        Assert.Equal(["served the view of 1s ago", "served the view of 1s ago (the same as now)"], details);
    }

    [Fact]
    public async Task Scope_AnInterfaceFault_TouchesOnlyReadsAboutThatInterface()
    {
        var instance = await LaunchAsync();
        await AddAsync($"imds-error(status=500, interface={instance.Eth0.NetworkInterfaceId})");
        var other = await LaunchAsync();

        var about = await Harness.GetImdsAsync(instance.Address, $"/latest/meta-data/network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s");
        var top = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");
        var elsewhere = await Harness.GetImdsAsync(other.Address, "/latest/meta-data/instance-id");

        // Top-level keys travel over the primary interface, which this one is.
        Assert.Equal(HttpStatusCode.InternalServerError, about.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, top.Status);
        Assert.Equal(HttpStatusCode.OK, elsewhere.Status);
    }

    [Fact]
    public async Task Clear_EndsTheFault()
    {
        var instance = await LaunchAsync();
        var id = await AddAsync("imds-error(status=503)");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);

        var (status, _, _) = await Harness.ControlAsync(HttpMethod.Delete, $"/_harness/faults/{id}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/mac")).Status);
    }

    private async Task<string> AddAsync(string spec, string? name = null)
    {
        var body = JsonSerializer.Serialize(new { spec, name });
        var (status, reply, _) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/faults", body);
        Assert.Equal(HttpStatusCode.Created, status);
        return reply.GetProperty("id").GetString()!;
    }

    private async Task<List<JsonElement>> TouchedAsync()
    {
        var (_, page, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults/events?limit=10000");
        return [.. page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("event").GetString() == "touched")];
    }

    /// <summary>Waits (in real time) until the harness has noted <paramref name="count"/> touches: the request reached the fault.</summary>
    private async Task WaitForTouchAsync(int count)
    {
        for (var i = 0; i < 1000 && (await TouchedAsync()).Count < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.True((await TouchedAsync()).Count >= count, $"the request did not reach the fault: fewer than {count} touches");
    }
}
