using System.Net;
using Harness.ControlPlane.Lifecycle;
using Harness.Host;
using Harness.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ec2.Tests.Actions;

/// <summary>
/// The account's vCPU quota bounds what RunInstances may launch, and terminated instances are forgotten after the
/// retention: each test runs a harness of its own, on fake time, with a quota of 16 vCPUs (eight t3.micro).
/// </summary>
public sealed class InstanceLimitsTests : IAsyncLifetime
{
    private const string Micro = "t3.micro"; // 2 vCPUs

    private readonly VirtualTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private HarnessServer server = null!;
    private string subnet = "";

    public async Task InitializeAsync()
    {
        server = await HarnessServer.StartAsync(new HarnessHostOptions(Seed: 7) { VcpuLimit = 16, TerminatedRetention = TimeSpan.FromHours(1) }, time);
        subnet = await Protocol.TopologyBuilder.SubnetAsync(server, "10.0.0.0/16", "10.0.0.0/16");
    }

    public Task DisposeAsync() => server.DisposeAsync();

    [Fact]
    public async Task RunInstances_MaxCountFarPastVcpuLimit_LaunchesAsManyAsFit()
    {
        var launched = await RunAsync(1, int.MaxValue);

        Assert.Equal(8, launched.Count);
        var (_, code, message) = await server.ErrorAsync("RunInstances", Run(1, 1));
        Assert.Equal("VcpuLimitExceeded", code);
        Assert.StartsWith("You have requested more vCPU capacity than your current vCPU limit of 16 allows for the instance bucket", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunInstances_MinCountPastVcpuLimit_LaunchesNothing()
    {
        var (_, code, _) = await server.ErrorAsync("RunInstances", Run(9, 20));

        Assert.Equal("VcpuLimitExceeded", code);
        Assert.Empty(await ListedAsync());
        Assert.Equal(8, (await RunAsync(8, 8)).Count);
    }

    [Fact]
    public async Task TerminateInstances_GivesItsVcpusBack()
    {
        var launched = await RunAsync(8, 8);

        await server.OkAsync("TerminateInstances", new Dictionary<string, string> { ["InstanceId.1"] = launched[0], ["InstanceId.2"] = launched[1] });

        Assert.Equal(2, (await RunAsync(1, 5)).Count);
    }

    [Fact]
    public async Task StartInstances_WhenOthersTookTheStoppedInstancesVcpus_AnswersVcpuLimitExceeded()
    {
        var launched = await RunAsync(8, 8);
        await server.OkAsync("StopInstances", new Dictionary<string, string> { ["InstanceId.1"] = launched[0] });
        Assert.Single(await RunAsync(1, 1));

        var (_, code, _) = await server.ErrorAsync("StartInstances", new Dictionary<string, string> { ["InstanceId.1"] = launched[0] });

        Assert.Equal("VcpuLimitExceeded", code);
    }

    [Fact]
    public async Task DescribeInstances_MaxResultsOverTheCap_AnswersInvalidParameterValue()
    {
        var (_, code, message) = await server.ErrorAsync("DescribeInstances", new Dictionary<string, string> { ["MaxResults"] = "1001" });

        Assert.Equal("InvalidParameterValue", code);
        Assert.Contains("Expecting a value less than 1000", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminatedInstance_AfterTheRetention_IsForgottenByTheApiAndTheControlApi()
    {
        var launched = await RunAsync(2, 2);
        await server.OkAsync("TerminateInstances", new Dictionary<string, string> { ["InstanceId.1"] = launched[0] });

        time.Advance(TimeSpan.FromMinutes(59));
        var listed = await server.OkAsync("DescribeInstances", new Dictionary<string, string> { ["InstanceId.1"] = launched[0] });
        Assert.Equal("terminated", listed.Descendants(HarnessServer.Ec2 + "instanceState").Single().Element(HarnessServer.Ec2 + "name")!.Value);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/_harness/instances/{launched[0]}")).StatusCode);

        await AdvanceAsync(TimeSpan.FromMinutes(1));
        var (_, code, message) = await server.ErrorAsync("DescribeInstances", new Dictionary<string, string> { ["InstanceId.1"] = launched[0] });
        Assert.Equal("InvalidInstanceID.NotFound", code);
        Assert.Equal($"The instance ID '{launched[0]}' does not exist", message);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/_harness/instances/{launched[0]}")).StatusCode);
        Assert.Equal([launched[1]], await ListedAsync());
    }

    /// <summary>botocore sends a fresh ClientToken with every RunInstances: tokens are forgotten after 24 hours, not kept forever.</summary>
    [Fact]
    public async Task RunInstances_ClientToken_ReplaysForADayThenIsForgotten()
    {
        var first = Run(1, 1);
        first["ClientToken"] = "launch-once";
        var launched = await server.OkAsync("RunInstances", first);
        time.Advance(TimeSpan.FromHours(23));
        var replayed = await server.OkAsync("RunInstances", first);
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var later = await server.OkAsync("RunInstances", first);

        string Id(System.Xml.Linq.XElement reply) => reply.Descendants(HarnessServer.Ec2 + "instanceId").First().Value;
        Assert.Equal(Id(launched), Id(replayed));
        Assert.NotEqual(Id(launched), Id(later));
    }

    /// <summary>
    /// Advances the fake clock, then waits until the instance grains have forgotten what came due: the timer hands that
    /// work to the grains, which run it after <c>Advance</c> returns.
    /// </summary>
    private async Task AdvanceAsync(TimeSpan delta)
    {
        time.Advance(delta);
        var terminated = server.Services.GetRequiredService<TerminatedInstances>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (terminated.Forgetting > 0)
        {
            await Task.Delay(1, guard.Token);
        }
    }

    private Dictionary<string, string> Run(int min, int max) => new()
    {
        ["ImageId"] = "ami-0123456789abcdef0", ["InstanceType"] = Micro, ["SubnetId"] = subnet,
        ["MinCount"] = min.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MaxCount"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<List<string>> RunAsync(int min, int max) =>
        [.. (await server.OkAsync("RunInstances", Run(min, max))).Descendants(HarnessServer.Ec2 + "instanceId").Select(e => e.Value).Distinct()];

    private async Task<List<string>> ListedAsync() =>
        [.. (await server.OkAsync("DescribeInstances")).Descendants(HarnessServer.Ec2 + "instanceId").Select(e => e.Value).Distinct().Order(StringComparer.Ordinal)];
}
