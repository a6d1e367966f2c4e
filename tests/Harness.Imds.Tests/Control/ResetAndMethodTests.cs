using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>POST /_harness/reset, and 405 with Allow for a method a control path does not take.</summary>
public sealed class ResetAndMethodTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task Reset_ClearsInstancesAndEvents_AndRestoresTheStartSettings()
    {
        var instance = await LaunchAsync();
        await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", """{"imds":"fixed(9s)","reorder":true}""");
        await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/instances/{instance.InstanceId}", """{"imds":"never"}""");
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        await Harness.ResetAsync();
        Harness.Advance(TimeSpan.FromMinutes(1));
        var (_, instances, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/instances");
        var (_, events, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/events");
        var (_, settings, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");
        var (gone, _, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}");

        Assert.Empty(instances.GetProperty("instances").EnumerateArray());
        Assert.Empty(events.GetProperty("events").EnumerateArray());
        Assert.Equal(0, events.GetProperty("lastSequence").GetInt64());
        Assert.Equal(HarnessFixture.Spec, settings.GetProperty("imds").GetString());
        Assert.False(settings.GetProperty("reorder").GetBoolean());
        Assert.Empty(settings.GetProperty("instances").EnumerateObject());
        Assert.Equal(HttpStatusCode.NotFound, gone);
        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id"));
    }

    [Fact]
    public async Task Reset_ThenLaunch_ServesTheNewInstanceOnTheFirstAddressAgain()
    {
        var old = await LaunchAsync();
        await Harness.ResetAsync();

        var fresh = await LaunchAsync();

        Assert.Equal(old.Address, fresh.Address);
        Assert.Equal(fresh.InstanceId, await Harness.MetadataAsync(fresh.Address, "instance-id"));
    }

    [Theory]
    [InlineData("/_harness/nothing-here")]
    [InlineData("/_harness/instances.json")]
    [InlineData("/_harness/instances/i-0123/pending.txt")]
    [InlineData("/_harness/instances/i-0123/no-such-view")]
    [InlineData("/_harness/propagation/no-such-thing")]
    public async Task UnknownControlPath_IsProblemJson404(string path)
    {
        var (status, _, mediaType) = await Harness.ControlAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    [Theory]
    [InlineData("GET", "/_harness/reset", "POST")]
    [InlineData("DELETE", "/_harness/propagation", "GET, PUT")]
    [InlineData("POST", "/_harness/propagation", "GET, PUT")]
    [InlineData("GET", "/_harness/propagation/flush", "POST")]
    [InlineData("GET", "/_harness/propagation/instances/i-0123", "PUT, DELETE")]
    [InlineData("POST", "/_harness/propagation/interfaces/eni-0123", "PUT, DELETE")]
    [InlineData("DELETE", "/_harness/instances", "GET")]
    [InlineData("POST", "/_harness/instances/i-0123", "GET")]
    [InlineData("PUT", "/_harness/instances/i-0123/pending", "GET")]
    [InlineData("POST", "/_harness/events", "GET")]
    public async Task WrongMethod_Is405ProblemWithAllow(string method, string path, string allow)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(allow.Split(", "), response.Content.Headers.Allow);
    }
}
