using System.Net;
using System.Text.Json;
using Harness.Ec2;
using Harness.Imds.Tests.Fixtures;
using Harness.Testing;

namespace Harness.Imds.Tests.Faults;

/// <summary>EC2 API faults on fake time: EC2's token buckets, injected errors, latency, read-after-write lag, scope.</summary>
public sealed class Ec2FaultTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private static readonly Dictionary<string, string> Filtered = new() { ["Filter.1.Name"] = "vpc-id", ["Filter.1.Value.1"] = "vpc-1" };

    [Fact]
    public async Task Throttle_EmptiesTheActionsBucket_ThenRefillsAtItsRate()
    {
        // DescribeVpcs is non-mutating: 100 tokens, 20 a second; scaled by 0.05, 5 tokens and one a second.
        await AddAsync("ec2-throttle(scale=0.05)");
        for (var i = 0; i < 5; i++)
        {
            await Harness.OkAsync("DescribeVpcs");
        }

        var (status, body) = await Harness.CallAsync("DescribeVpcs");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded."), (status, Code(body), Message(body)));

        // Other actions have buckets of their own.
        await Harness.OkAsync("DescribeSubnets");

        Harness.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Harness.CallAsync("DescribeVpcs")).Status);
        Harness.Advance(TimeSpan.FromMilliseconds(1));
        await Harness.OkAsync("DescribeVpcs");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Harness.CallAsync("DescribeVpcs")).Status);
        var refused = (await TouchedAsync()).Select(e => e.GetProperty("detail").GetString()).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, d => Assert.Equal("RequestLimitExceeded: the DescribeVpcs bucket (5 tokens, 1/s) is empty", d));
    }

    [Fact]
    public async Task Throttle_UnfilteredDescribeNetworkInterfaces_DrawsOnTheSmallerBucket()
    {
        // 50 tokens unfiltered against 100 filtered; scaled by 0.04, 2 against 4.
        await AddAsync("ec2-throttle(scale=0.04)");

        var unfiltered = new List<HttpStatusCode>();
        var filtered = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            unfiltered.Add((await Harness.CallAsync("DescribeNetworkInterfaces")).Status);
            filtered.Add((await Harness.CallAsync("DescribeNetworkInterfaces", Filtered)).Status);
        }

        Assert.Equal(2, unfiltered.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(4, filtered.Count(s => s == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Throttle_CapacityAndRefill_OverrideEc2s_ForOneAction()
    {
        await AddAsync("ec2-throttle(capacity=1, refill=0.5, action=CreateVpc)");

        await Harness.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.1.0.0/16" });
        var (status, body) = await Harness.CallAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.2.0.0/16" });
        Harness.Advance(TimeSpan.FromSeconds(2));
        await Harness.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.3.0.0/16" });

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "RequestLimitExceeded"), (status, Code(body)));
        var vpcs = await Harness.OkAsync("DescribeVpcs");
        Assert.Equal(2, vpcs.Descendants(HarnessFixture.Ec2 + "vpcId").Count());
    }

    [Theory]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, "An internal error has occurred")]
    [InlineData("Unavailable", HttpStatusCode.ServiceUnavailable, "The service is unavailable. Please try again shortly.")]
    [InlineData("RequestLimitExceeded", HttpStatusCode.ServiceUnavailable, "Request limit exceeded.")]
    public async Task Error_AnswersTheCodeWithItsStatus_AndChangesNothing(string code, HttpStatusCode expected, string message)
    {
        await AddAsync($"ec2-error(code={code}, action=CreateVpc)");

        var (status, body) = await Harness.CallAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.1.0.0/16" });

        Assert.Equal((expected, code, message), (status, Code(body), Message(body)));
        Assert.Empty((await Harness.OkAsync("DescribeVpcs")).Descendants(HarnessFixture.Ec2 + "vpcId"));
    }

    [Fact]
    public async Task Error_AtARate_TouchesThatFractionOfCalls_TheSameForTheSameSeed()
    {
        await AddAsync("ec2-error(code=Unavailable, rate=0.4, action=Describe*, seed=42)", "flaky");
        var first = await OutcomesAsync(500);
        Assert.InRange(first.Count(failed => failed) / 500.0, 0.33, 0.47);

        await Harness.ResetAsync();
        await AddAsync("ec2-error(code=Unavailable, rate=0.4, action=Describe*, seed=42)", "flaky");
        Assert.Equal(first, await OutcomesAsync(500));
    }

    [Fact]
    public async Task Error_ScopedToAnInstance_TouchesOnlyCallsThatNameIt()
    {
        var instance = await LaunchAsync();
        var other = await LaunchAsync();
        await AddAsync($"ec2-error(code=InternalError, instance={instance.InstanceId})");

        var named = await Harness.CallAsync("DescribeInstances", new Dictionary<string, string> { ["InstanceId.1"] = instance.InstanceId });
        var notNamed = await Harness.CallAsync("DescribeInstances", new Dictionary<string, string> { ["InstanceId.1"] = other.InstanceId });

        Assert.Equal(HttpStatusCode.InternalServerError, named.Status);
        Assert.Equal(HttpStatusCode.OK, notNamed.Status);
    }

    [Fact]
    public async Task Latency_HoldsTheCallUntilTheClockMoves()
    {
        await AddAsync("ec2-latency(delay=fixed(3s), action=DescribeVpcs)");

        var pending = Harness.CallAsync("DescribeVpcs");
        for (var i = 0; i < 1000 && (await TouchedAsync()).Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Single(await TouchedAsync());

        Harness.Advance(TimeSpan.FromMilliseconds(2999));
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);
        Harness.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(HttpStatusCode.OK, (await pending.WaitAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task Lag_DescribeShowsAWriteOnlyAfterTheLag()
    {
        await AddAsync("ec2-lag(delay=fixed(2s))");
        await Harness.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.1.0.0/16" });

        var right = await Harness.OkAsync("DescribeVpcs");
        Harness.Advance(TimeSpan.FromMilliseconds(1999));
        var almost = await Harness.OkAsync("DescribeVpcs");
        Harness.Advance(TimeSpan.FromMilliseconds(1));
        var after = await Harness.OkAsync("DescribeVpcs");

        Assert.Empty(right.Descendants(HarnessFixture.Ec2 + "vpcId"));
        Assert.Empty(almost.Descendants(HarnessFixture.Ec2 + "vpcId"));
        Assert.Single(after.Descendants(HarnessFixture.Ec2 + "vpcId"));
    }

    [Fact]
    public async Task ScenarioSteps_AreNotTouched_ButLaggingReadsStillLagBehindTheirWrites()
    {
        await AddAsync("ec2-error(code=InternalError, action=CreateVpc)");
        await AddAsync("ec2-lag(delay=fixed(2s))");

        using var step = Ec2QueryRequest.Create("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.1.0.0/16" }, "us-east-1");
        step.Headers.Add(Ec2ApiEndpoints.StepsHeader, "1");
        using var response = await Harness.Http.SendAsync(step);
        var byClient = await Harness.OkAsync("DescribeVpcs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(byClient.Descendants(HarnessFixture.Ec2 + "vpcId"));
        Harness.Advance(TimeSpan.FromSeconds(2));
        Assert.Single((await Harness.OkAsync("DescribeVpcs")).Descendants(HarnessFixture.Ec2 + "vpcId"));
    }

    private async Task<List<bool>> OutcomesAsync(int count)
    {
        var outcomes = new List<bool>();
        for (var i = 0; i < count; i++)
        {
            outcomes.Add((await Harness.CallAsync("DescribeVpcs")).Status != HttpStatusCode.OK);
        }

        return outcomes;
    }

    private static string Code(System.Xml.Linq.XElement body) => body.Descendants("Code").Single().Value;

    private static string Message(System.Xml.Linq.XElement body) => body.Descendants("Message").Single().Value;

    private async Task AddAsync(string spec, string? name = null)
    {
        var (status, reply, _) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/faults", JsonSerializer.Serialize(new { spec, name }));
        Assert.True(status == HttpStatusCode.Created, reply.ToString());
    }

    private async Task<List<JsonElement>> TouchedAsync()
    {
        var (_, page, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults/events?limit=10000");
        return [.. page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("event").GetString() == "touched")];
    }
}
