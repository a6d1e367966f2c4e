using Harness.Host;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>cloud: alibaba scenarios on an embedded harness: every step through the ECS API, waiting out Alibaba's states.</summary>
public sealed class AlibabaRunnerTests
{
    private const string Topology = """
        topology:
          vpcs:
            - name: main
              cidr: 10.0.0.0/16
              vswitches:
                - { name: a, cidr: 10.0.1.0/24 }
          instances:
            - { name: primary, subnet: a, privateIp: 10.0.1.10, secondaryIps: [10.0.1.50] }
            - { name: standby, subnet: a, privateIp: 10.0.1.20 }
          interfaces:
            - { name: spare, subnet: a, privateIp: 10.0.1.80, secondaryIps: [10.0.1.81] }
        """;

    private static Task<RunReport> RunAsync(string clock, string steps) => RunCommand.RunEmbeddedAsync(
        ScenarioParser.Parse("test.yaml", $"name: test\ncloud: alibaba\nseed: 3\nclock: {clock}\npropagation: {{ imds: fixed(2s) }}\n{Topology}\nsteps:\n{steps}\n"),
        RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));

    private static string Failures(RunReport report) =>
        report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Evidence}"));

    [Theory]
    [InlineData("real")]
    [InlineData("virtual")]
    public async Task Set_up_and_every_step_go_through_the_ecs_api(string clock)
    {
        var report = await RunAsync(clock, """
              - expect: { api: primary, equals: [10.0.1.10, 10.0.1.50] }
              - expect: { imds: primary, equals: [10.0.1.10, 10.0.1.50] }
              - unassign: { instance: primary, ips: [10.0.1.50] }
              - assign: { instance: standby, ips: [10.0.1.50] }
              - expect: { api: primary, lacks: 10.0.1.50 }
              - expect: { api: standby, has: 10.0.1.50 }
              - expect: { imds: standby, lacks: 10.0.1.50 }
              - expect: { imds: standby, has: 10.0.1.50, within: 10s }
              - attach: { interface: spare, instance: standby, device: 1 }
              - expect: { api: standby, device: 1, equals: [10.0.1.80, 10.0.1.81] }
              - expect: { imds: standby, device: 1, has: 10.0.1.81, within: 10s }
              - detach: spare
              - expect: { api: spare, equals: [10.0.1.80, 10.0.1.81] }
              - expect: { imds: standby, lacks: 10.0.1.81, within: 10s }
              - stop: standby
              - expect: { api: standby, state: stopped }
              - start: standby
              - expect: { api: standby, state: running }
              - terminate: primary
              - expect: { api: primary, state: terminated, within: 30s }
            """);

        Assert.True(report.Passed, Failures(report));
        Assert.All(report.Steps, s => Assert.Equal("ok", s.Outcome));
        Assert.Equal(13, report.Expectations.Count);
        Assert.StartsWith("eni-", report.Instances.Single(i => i.Name == "standby").Interfaces[0].NetworkInterfaceId, StringComparison.Ordinal);
        Assert.StartsWith("cleaned up: 1 instance, 1 interface", report.CleanUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_another_eni_holds_is_refused_as_ecs_refuses_it_and_the_run_stops()
    {
        var report = await RunAsync("virtual", """
              - assign: { instance: standby, ips: [10.0.1.50] }
              - expect: { api: standby, has: 10.0.1.50 }
            """);

        Assert.False(report.Passed);
        Assert.Contains("AssignPrivateIpAddresses failed: InvalidPrivateIpAddress.Duplicated", report.Error, StringComparison.Ordinal);
        Assert.StartsWith("not judged", report.Expectations.Single().Evidence, StringComparison.Ordinal);
    }
    [Fact]
    public async Task A_load_block_drives_the_ecs_api_and_reads_alibaba_metadata()
    {
        var report = await RunCommand.RunEmbeddedAsync(
            ScenarioParser.Parse("test.yaml", $$"""
                name: test
                cloud: alibaba
                seed: 3
                clock: real
                propagation: { imds: fixed(300ms) }
                load: { workload: churn, rate: 20, instances: 4, poll-interval: 100ms, warm-up: 0s }
                {{Topology}}
                steps:
                  - sleep: 12s
                """),
            RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(report.Passed, Failures(report));
        var load = Assert.Single(report.Loads);
        Assert.Equal((LoadRunReport.Stopped, "the steps ended"), (load.Outcome, load.Detail));
        var result = load.Report!;

        // It drove the ECS port (an Alibaba run names it beside the control API), its churn moved addresses there with no failure
        // but what the stop cut off, and its pollers saw the moves in Alibaba's metadata tree.
        Assert.Contains("(control API ", result.Target, StringComparison.Ordinal);
        Assert.True(load.Calls > 20, $"{load.Calls} calls");
        Assert.All(result.Scenarios.SelectMany(s => s.Steps).SelectMany(t => t.FailuresByCode), f => Assert.Equal("stopped", f.Code));
        Assert.True(result.Convergence!.Converged > 0, $"{result.Convergence.Converged} of {result.Convergence.Changes} changes converged");
    }
}
