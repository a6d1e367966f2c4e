using Harness.Host;
using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>Every scenario in scenarios/ runs here: on the virtual clock unless a real client is involved.</summary>
public sealed class ShippedScenarioTests
{
    private static readonly string[] VirtualFiles =
        ["address-churn.yaml", "prefix-delegation.yaml", "eip-follows-ip.yaml", "force-detach-stale-metadata.yaml", "slow-metadata-tail.yaml"];

    public static TheoryData<string> VirtualScenarios => new(VirtualFiles);

    [Fact]
    public void Every_shipped_scenario_is_covered_here()
    {
        var shipped = Directory.GetFiles(Path.GetDirectoryName(Scenarios.Shipped("x"))!, "*.yaml").Select(Path.GetFileName).Order();

        Assert.Equal(VirtualFiles.Append("vip-failover.yaml").Order(), shipped);
    }

    [Theory]
    [MemberData(nameof(VirtualScenarios))]
    public async Task A_shipped_scenario_holds_on_the_virtual_clock(string file)
    {
        var scenario = ScenarioParser.Load(Scenarios.Shipped(file));

        var report = await RunCommand.RunEmbeddedAsync(scenario, RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(ClockMode.Virtual, scenario.Clock);
        Assert.True(report.Passed, report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Evidence}")));
        Assert.All(report.Steps, s => Assert.Equal("ok", s.Outcome));
        Assert.NotEmpty(report.Expectations);
    }

    [Fact]
    public async Task The_slow_tail_scenario_really_waits_past_thirty_seconds()
    {
        var report = await RunCommand.RunEmbeddedAsync(ScenarioParser.Load(Scenarios.Shipped("slow-metadata-tail.yaml")), RunProgress.None)
            .WaitAsync(TimeSpan.FromMinutes(1));

        Assert.All(report.Events, e => Assert.True(e.SeenAt - e.MadeAt >= 35, $"{e.Detail} took {e.SeenAt - e.MadeAt}s"));
    }

    /// <summary>The correct agent (AWS CLI and curl, real time) moves the address and waits for metadata: every expectation holds.</summary>
    [Fact]
    public async Task Vip_failover_passes_with_the_correct_agent()
    {
        var report = await RunVipFailoverAsync("./clients/take-vip.sh");

        Assert.True(report.Passed, report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Evidence}")));
        var client = Assert.Single(report.Clients);
        Assert.Equal(0, client.ExitCode);
        Assert.Equal("AssignPrivateIpAddresses", Assert.Single(client.Calls, c => c.Channel == "ec2").Target);
        var sawIt = client.Calls.First(c => c.Target.EndsWith("/local-ipv4s", StringComparison.Ordinal) && (c.Body ?? "").Contains("10.0.1.50", StringComparison.Ordinal));
        var change = report.Events.Single(e => e.Instance == "standby" && e.Detail == "+10.0.1.50");
        Assert.True(sawIt.At >= change.SeenAt, $"the agent saw the address at {sawIt.At}, before the metadata showed it at {change.SeenAt}");
        Assert.Contains("first saw 10.0.1.50", report.Expectations[^1].Evidence);
    }

    /// <summary>The naive agent declares success on EC2's reply: its verdict fails, with the timeline that shows why.</summary>
    [Fact]
    public async Task Vip_failover_fails_the_naive_agent_and_says_why()
    {
        var report = await RunVipFailoverAsync("./clients/naive-take-vip.sh");

        Assert.False(report.Passed);
        Assert.Null(report.Error);
        var failed = Assert.Single(report.Expectations, e => !e.Passed);
        Assert.Equal("client failover-agent exits 0, waited for metadata to show 10.0.1.50", failed.Description);
        Assert.Contains("declared its result without waiting for its metadata to show 10.0.1.50: it read local-ipv4s 1 time", failed.Evidence);
        Assert.Contains("its instance's metadata showed 10.0.1.50 from", failed.Evidence);
        var client = Assert.Single(report.Clients);
        var change = report.Events.Single(e => e.Instance == "standby" && e.Detail == "+10.0.1.50");
        Assert.True(client.End < change.SeenAt, $"the naive agent exited at {client.End}, after the metadata showed the address at {change.SeenAt}");
    }

    private static Task<RunReport> RunVipFailoverAsync(string agent) => RunCommand.RunEmbeddedAsync(
        ScenarioParser.Load(Scenarios.Shipped("vip-failover.yaml"), new ScenarioOverrides(Variables: new Dictionary<string, string> { ["agent"] = agent })),
        RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));
}
