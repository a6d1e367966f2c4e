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
        ["address-churn.yaml", "prefix-delegation.yaml", "eip-follows-ip.yaml", "force-detach-stale-metadata.yaml", "slow-metadata-tail.yaml",
         "flapping-metadata.yaml"];

    /// <summary>The fault scenarios with a real client (AWS CLI and curl), on the real clock.</summary>
    private static readonly string[] RealFaultFiles = ["throttled-failover.yaml", "imds-brownout.yaml", "stuck-remap.yaml"];

    public static TheoryData<string> VirtualScenarios => new(VirtualFiles);

    [Fact]
    public void Every_shipped_scenario_is_covered_here()
    {
        var shipped = Directory.GetFiles(Path.GetDirectoryName(Scenarios.Shipped("x"))!, "*.yaml").Select(Path.GetFileName).Order();

        Assert.Equal(VirtualFiles.Concat(RealFaultFiles).Append("vip-failover.yaml").Append("failover-under-churn.yaml").Append("vip-failover-alibaba.yaml").Order(), shipped);
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

    /// <summary>
    /// vip-failover on Alibaba Cloud: the correct agent (curl) unassigns the VIP from the primary's ENI, assigns it to its
    /// own through its recorded ECS endpoint, and waits for private-ipv4s to list it: every expectation holds.
    /// </summary>
    [Fact]
    public async Task Vip_failover_on_alibaba_passes_with_the_correct_agent()
    {
        var report = await RunVipFailoverAlibabaAsync("./clients/take-vip-alibaba.sh");

        Assert.True(report.Passed, Failures(report));
        var client = Assert.Single(report.Clients);
        Assert.Equal(0, client.ExitCode);
        Assert.Equal(["DescribeNetworkInterfaces", "UnassignPrivateIpAddresses", "AssignPrivateIpAddresses"],
            client.Calls.Where(c => c.Channel == "ecs").Select(c => c.Target));
        Assert.DoesNotContain(client.Calls, c => c.Channel == "ec2");
        var sawIt = client.Calls.First(c => c.Target.EndsWith("/private-ipv4s", StringComparison.Ordinal) && (c.Body ?? "").Contains("\"10.0.1.50\"", StringComparison.Ordinal));
        var change = report.Events.Single(e => e.Instance == "standby" && e.Detail.Contains("+10.0.1.50", StringComparison.Ordinal));
        Assert.True(sawIt.At >= change.SeenAt, $"the agent saw the address at {sawIt.At}, before the metadata showed it at {change.SeenAt}");
        Assert.Contains("first saw 10.0.1.50", report.Expectations[^1].Evidence);
    }

    /// <summary>The naive Alibaba agent declares success on ECS's reply: its verdict fails on waitedForImds, and only that.</summary>
    [Fact]
    public async Task Vip_failover_on_alibaba_fails_the_naive_agent_and_says_why()
    {
        var report = await RunVipFailoverAlibabaAsync("./clients/naive-take-vip-alibaba.sh");

        Assert.False(report.Passed);
        Assert.Null(report.Error);
        var failed = Assert.Single(report.Expectations, e => !e.Passed);
        Assert.Equal("client failover-agent exits 0, waited for metadata to show 10.0.1.50", failed.Description);
        Assert.Contains("declared its result without waiting for its metadata to show 10.0.1.50: it read private-ipv4s 1 time", failed.Evidence);
        Assert.Contains("its instance's metadata showed 10.0.1.50 from", failed.Evidence);
        Assert.Contains("ECS calls: DescribeNetworkInterfaces at", failed.Evidence);
        var client = Assert.Single(report.Clients);
        Assert.Equal(0, client.ExitCode);
        var change = report.Events.Single(e => e.Instance == "standby" && e.Detail.Contains("+10.0.1.50", StringComparison.Ordinal));
        Assert.True(client.End < change.SeenAt, $"the naive agent exited at {client.End}, after the metadata showed the address at {change.SeenAt}");
    }

    /// <summary>EC2 throttles the failover agent's AssignPrivateIpAddresses; its CLI retries, and it still waits for metadata.</summary>
    [Fact]
    public async Task Throttled_failover_passes_after_the_agent_is_refused_and_retries()
    {
        var report = await RunShippedAsync("throttled-failover.yaml");

        Assert.True(report.Passed, Failures(report));
        var agent = report.Clients.Single(c => c.Name == "failover-agent");
        var assigns = agent.Calls.Where(c => c.Target == "AssignPrivateIpAddresses").ToList();
        Assert.Contains(assigns, c => c is { Status: 503, Error: "RequestLimitExceeded" });
        Assert.Equal(200, assigns[^1].Status);
        Assert.All(assigns.Where(c => c.Status == 503), c => Assert.StartsWith("throttle: RequestLimitExceeded", c.Fault, StringComparison.Ordinal));
        Assert.Equal("cleared", FaultWindow.Of(report).Single().Ending);
    }

    /// <summary>Metadata answers 503s, fails tokens and drags; the correct agent retries and still waits for the address.</summary>
    [Fact]
    public async Task Imds_brownout_passes_with_the_retrying_agent()
    {
        var report = await RunShippedAsync("imds-brownout.yaml");

        Assert.True(report.Passed, Failures(report));
        var agent = Assert.Single(report.Clients);
        Assert.Contains(agent.Calls, c => c is { Channel: "imds", Status: 503 });
        Assert.All(agent.Calls.Where(c => c.Channel == "imds"), c => Assert.Contains("slow: +", c.Fault, StringComparison.Ordinal));
        Assert.Equal(["brownout", "token-trouble", "slow"], FaultWindow.Of(report).Select(w => w.Name));
    }

    /// <summary>A change that never reaches the standby's metadata: the agent gives up at its deadline with exit 1, not a hang.</summary>
    [Fact]
    public async Task Stuck_remap_ends_with_the_agent_reporting_failure_within_its_deadline()
    {
        var report = await RunShippedAsync("stuck-remap.yaml");

        Assert.True(report.Passed, Failures(report));
        var agent = Assert.Single(report.Clients);
        Assert.Equal((1, false), (agent.ExitCode, agent.TimedOut));
        Assert.Contains("gave up: metadata did not list 10.0.1.50 within 8s", agent.Stderr, StringComparison.Ordinal);
        Assert.Contains(report.Events, e => e is { Instance: "standby", Detail: "+10.0.1.50", Status: "never", Fault: "lost" });
    }

    /// <summary>The failover of vip-failover while a mixed load churns addresses around the pair: the correct agent still passes.</summary>
    [Fact]
    public async Task Failover_under_churn_passes_while_the_load_moves_addresses_around_it()
    {
        var report = await RunShippedAsync("failover-under-churn.yaml");

        Assert.True(report.Passed, Failures(report));
        Assert.All(report.Steps, s => Assert.Equal("ok", s.Outcome));
        var agent = Assert.Single(report.Clients);
        Assert.Equal(0, agent.ExitCode);
        var load = Assert.Single(report.Loads);
        Assert.Equal(LoadRunReport.Stopped, load.Outcome);
        Assert.True(load.Running < agent.Start, $"the churn began at {load.Running}s, after the agent started at {agent.Start}s");
        var churn = load.Report!.Scenarios.Single(s => s.Name == "churn");
        Assert.True(churn.Steps.Sum(s => s.Count) > 50, $"{churn.Steps.Sum(s => s.Count)} churn calls");
        Assert.True(load.Report.Convergence!.Changes > 0);
        Assert.True(report.Duration < 30, $"the scenario ran {report.Duration}s");
    }

    private static Task<RunReport> RunShippedAsync(string file) =>
        RunCommand.RunEmbeddedAsync(ScenarioParser.Load(Scenarios.Shipped(file)), RunProgress.None).WaitAsync(TimeSpan.FromMinutes(3));

    private static string Failures(RunReport report) =>
        report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Evidence}"));

    private static Task<RunReport> RunVipFailoverAlibabaAsync(string agent) => RunCommand.RunEmbeddedAsync(
        ScenarioParser.Load(Scenarios.Shipped("vip-failover-alibaba.yaml"), new ScenarioOverrides(Variables: new Dictionary<string, string> { ["agent"] = agent })),
        RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));

    private static Task<RunReport> RunVipFailoverAsync(string agent) => RunCommand.RunEmbeddedAsync(
        ScenarioParser.Load(Scenarios.Shipped("vip-failover.yaml"), new ScenarioOverrides(Variables: new Dictionary<string, string> { ["agent"] = agent })),
        RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));
}
