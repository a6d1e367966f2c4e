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
}
