using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>PUT /_harness/propagation takes every field GET returns: a GET's body goes back unchanged, overrides included.</summary>
public sealed class PropagationRoundTripTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task GetBody_PutBackUnchanged_IsAcceptedAndChangesNothing()
    {
        var instance = await LaunchAsync();
        await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/instances/{instance.InstanceId}", """{"imds":"fixed(3s)"}""");
        await Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/interfaces/{instance.Eth0.NetworkInterfaceId}", """{"imds":"never"}""");
        await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", """{"kinds":{"elastic-ips":"uniform(5s,10s)"},"reorder":true}""");
        var (_, before, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        var (status, put, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", before.GetRawText());
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("fixed(3s)", before.GetProperty("instances").GetProperty(instance.InstanceId).GetString());
        Assert.Equal(before.GetRawText(), put.GetRawText());
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task InstanceOverrideInThePutBody_TakesEffect_AndNullRemovesIt()
    {
        var instance = await LaunchAsync();
        var body = JsonSerializer.Serialize(new { instances = new Dictionary<string, string> { [instance.InstanceId] = "fixed(4s)" } });

        var (status, put, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", body);
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.60");
        Propagate();
        var at1500 = await LocalIpv4sAsync(instance);
        Harness.Advance(TimeSpan.FromMilliseconds(2500));
        var at4000 = await LocalIpv4sAsync(instance);
        var (_, removed, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", JsonSerializer.Serialize(new { instances = new Dictionary<string, string?> { [instance.InstanceId] = null } }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("fixed(4s)", put.GetProperty("instances").GetProperty(instance.InstanceId).GetString());
        Assert.DoesNotContain("10.0.1.60", at1500);
        Assert.Contains("10.0.1.60", at4000);
        Assert.Empty(removed.GetProperty("instances").EnumerateObject());
    }

    [Fact]
    public async Task InterfaceOverrideInThePutBody_TakesEffect()
    {
        var instance = await LaunchAsync();
        var eni = instance.Eth0.NetworkInterfaceId;

        var (status, put, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", JsonSerializer.Serialize(new { interfaces = new Dictionary<string, string> { [eni] = "never" } }));
        await Topology.AssignAsync(Harness, eni, "10.0.1.61");
        Harness.Advance(TimeSpan.FromMinutes(10));
        var (_, pending, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instance.InstanceId}/pending");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("never", put.GetProperty("interfaces").GetProperty(eni).GetString());
        Assert.DoesNotContain("10.0.1.61", await LocalIpv4sAsync(instance));
        Assert.Equal("never", Assert.Single(pending.GetProperty("pending").EnumerateArray()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"instances":{"i-0000000000000dead":"fixed(1s)"}}""", "instances.i-0000000000000dead", "No instance i-0000000000000dead.")]
    [InlineData("""{"interfaces":{"eni-0000000000000dead":"fixed(1s)"}}""", "interfaces.eni-0000000000000dead", "No network interface eni-0000000000000dead.")]
    [InlineData("""{"instances":"fixed(1s)"}""", "instances", "\"instances\" must be an object")]
    [InlineData("""{"interfaces":[]}""", "interfaces", "\"interfaces\" must be an object")]
    [InlineData("""{"imds":"fixed(2s)","instances":{"$ID":"uniform(2s,1x)"}}""", "instances.$ID", "position")]
    [InlineData("""{"instances":{"$ID":7}}""", "instances.$ID", "must be a delay spec string")]
    public async Task BadOverridesInThePutBody_Are400ProblemAndChangeNothing(string json, string field, string detail)
    {
        var instance = await LaunchAsync();
        var (_, before, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        var (status, problem, mediaType) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", json.Replace("$ID", instance.InstanceId, StringComparison.Ordinal));
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(field.Replace("$ID", instance.InstanceId, StringComparison.Ordinal), problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    private async Task<string[]> LocalIpv4sAsync(Instance instance) =>
        (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s")).Split('\n');
}
