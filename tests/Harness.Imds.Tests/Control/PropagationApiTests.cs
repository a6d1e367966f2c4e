using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>GET/PUT /_harness/propagation: the settings, their errors, and that they apply to later changes only.</summary>
public sealed class PropagationApiTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task Get_ReturnsTheStartSettings()
    {
        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", mediaType);
        Assert.Equal(["imds", "kinds", "instances", "interfaces", "reorder", "forcedDetachStaysStale"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HarnessFixture.Spec, body.GetProperty("imds").GetString());
        Assert.Empty(body.GetProperty("kinds").EnumerateObject());
        Assert.False(body.GetProperty("reorder").GetBoolean());
        Assert.True(body.GetProperty("forcedDetachStaysStale").GetBoolean());
    }

    [Theory]
    [InlineData("fixed(1.5s)", "fixed(1500ms)")]
    [InlineData(" fixed( 3000ms ) ", "fixed(3s)")]
    [InlineData("uniform(100ms,2s)", "uniform(100ms,2s)")]
    [InlineData("never", "never")]
    public async Task Put_EchoesTheSettingsWithTheCanonicalSpec(string spec, string canonical)
    {
        var (status, put, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", JsonSerializer.Serialize(new { imds = spec }));
        var (_, get, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(canonical, put.GetProperty("imds").GetString());
        Assert.Equal(canonical, get.GetProperty("imds").GetString());
    }

    [Fact]
    public async Task Put_KindsReorderAndStaleness_AreEchoed_AndNullRemovesAKind()
    {
        var (_, set, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation",
            """{"kinds":{"elastic-ips":"uniform(5s,10s)"},"reorder":true,"forcedDetachStaysStale":false}""");
        var (_, removed, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", """{"kinds":{"elastic-ips":null}}""");

        Assert.Equal("uniform(5s,10s)", set.GetProperty("kinds").GetProperty("elastic-ips").GetString());
        Assert.True(set.GetProperty("reorder").GetBoolean());
        Assert.False(set.GetProperty("forcedDetachStaysStale").GetBoolean());
        Assert.Empty(removed.GetProperty("kinds").EnumerateObject());
        Assert.True(removed.GetProperty("reorder").GetBoolean());
    }

    [Fact]
    public async Task Put_AppliesOnlyToChangesMadeAfterIt()
    {
        var instance = await LaunchAsync();
        var eth0 = instance.Eth0;
        await Topology.AssignAsync(Harness, eth0.NetworkInterfaceId, "10.0.1.50");

        await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", """{"imds":"fixed(5s)"}""");
        await Topology.AssignAsync(Harness, eth0.NetworkInterfaceId, "10.0.1.51");
        Propagate();
        var at1500 = await LocalIpv4sAsync(instance);
        Harness.Advance(TimeSpan.FromMilliseconds(3499));
        var at4999 = await LocalIpv4sAsync(instance);
        Harness.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([eth0.PrivateIp, "10.0.1.50"], at1500);
        Assert.Equal([eth0.PrivateIp, "10.0.1.50"], at4999);
        Assert.Equal([eth0.PrivateIp, "10.0.1.50", "10.0.1.51"], await LocalIpv4sAsync(instance));
    }

    [Theory]
    [InlineData("""{"imds":"uniform(100ms,9x)"}""", "imds", 14)]
    [InlineData("""{"imds":"fixed(15)"}""", "imds", 6)]
    [InlineData("""{"imds":"gamma(1s)"}""", "imds", 0)]
    [InlineData("""{"imds":"fixed(1s) x"}""", "imds", 10)]
    [InlineData("""{"kinds":{"private-ipv4s":"uniform(2s,1s)"}}""", "kinds.private-ipv4s", 11)]
    public async Task Put_BadSpec_Is400ProblemWithFieldAndPosition(string json, string field, int position)
    {
        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", json);
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.Equal(position, body.GetProperty("position").GetInt32());
        var spec = body.GetProperty("spec").GetString()!;
        Assert.Contains(spec + "\n  " + new string(' ', position) + "^", body.GetProperty("detail").GetString());
        Assert.Equal(HarnessFixture.Spec, after.GetProperty("imds").GetString());
    }

    [Theory]
    [InlineData("""{"speed":"fixed(1s)"}""", "speed")]
    [InlineData("""{"kinds":{"bogus-kind":"fixed(1s)"}}""", "kinds.bogus-kind")]
    [InlineData("""{"kinds":"fixed(1s)"}""", "kinds")]
    [InlineData("""{"imds":1500}""", "imds")]
    [InlineData("""{"reorder":"yes"}""", "reorder")]
    public async Task Put_UnknownOrMistypedSetting_Is400ProblemNamingTheField(string json, string field)
    {
        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public async Task Put_BodyThatIsNotAJsonObject_Is400Problem(string json)
    {
        var (status, _, mediaType) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    [Fact]
    public async Task Put_ABadFieldAfterAGoodOne_ChangesNothing()
    {
        var (status, _, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", """{"imds":"fixed(9s)","bogus":1}""");
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(HarnessFixture.Spec, after.GetProperty("imds").GetString());
    }

    private async Task<string[]> LocalIpv4sAsync(Instance instance) =>
        (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s")).Split('\n');
}
