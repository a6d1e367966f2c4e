using Harness.Host;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>Scenarios run on an embedded harness on the virtual clock: exact times, no waiting.</summary>
public sealed class RunnerTests
{
    /// <summary>Runs a scenario with a bound in real time, so that a clock that never moves fails the test instead of hanging it.</summary>
    internal static Task<RunReport> RunAsync(string steps, string header = "clock: virtual\npropagation: { imds: fixed(2s) }") =>
        RunCommand.RunEmbeddedAsync(ScenarioParser.Parse("test.yaml", Scenarios.With(steps, header)), RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));

    [Fact]
    public async Task The_expectation_sees_the_change_exactly_when_its_delay_ends()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { api: primary, has: 10.0.1.50 }
              - expect: { imds: primary, lacks: 10.0.1.50 }
              - expect: { imds: primary, has: 10.0.1.50, within: 10s }
            """);

        Assert.True(report.Passed, report.Error);
        Assert.Equal([0, 0, 2], report.Expectations.Select(e => e.At));
        Assert.Contains("true after 2s", report.Expectations[2].Evidence);
        var change = Assert.Single(report.Events);
        Assert.Equal(("primary", "private-ipv4s", "+10.0.1.50", 0.0, 2.0), (change.Instance, change.Kind, change.Detail, change.MadeAt, change.SeenAt!.Value));
    }

    [Fact]
    public async Task An_expectation_that_does_not_come_true_in_time_fails_with_what_was_seen()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, has: 10.0.1.50, within: 1500ms }
              - expect: { imds: primary, has: 10.0.1.50, within: 1s }
            """);

        Assert.False(report.Passed);
        Assert.Null(report.Error);
        var (first, second) = (report.Expectations[0], report.Expectations[1]);
        Assert.False(first.Passed);
        Assert.Equal(1.5, first.At);
        Assert.Equal("still not true after 1.5s: metadata shows device 0 (eni-0d0b1ac19d9dffd39): 10.0.1.10; the API already says device 0 (eni-0d0b1ac19d9dffd39): 10.0.1.10, 10.0.1.50",
            first.Evidence.Replace(report.Instances[0].Interfaces[0].NetworkInterfaceId, "eni-0d0b1ac19d9dffd39", StringComparison.Ordinal));
        Assert.True(second.Passed);
        Assert.Equal(2, second.At);
    }

    [Fact]
    public async Task During_fails_the_moment_it_stops_holding()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, lacks: 10.0.1.50, during: 10s }
            """);

        var expectation = Assert.Single(report.Expectations);
        Assert.False(expectation.Passed);
        Assert.Equal(2, expectation.At);
        Assert.StartsWith("stopped being true after 2s", expectation.Evidence);
    }

    [Fact]
    public async Task A_refused_call_stops_the_run_and_what_follows_is_skipped_or_not_judged()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - assign: { instance: standby, ips: [10.0.1.50] }
              - sleep: 1s
              - expect: { imds: standby, has: 10.0.1.50, within: 10s }
            """);

        Assert.False(report.Passed);
        Assert.StartsWith("line 21: assign 10.0.1.50 to standby: AssignPrivateIpAddresses failed: ", report.Error);
        Assert.Equal(["ok", "failed", "skipped"], report.Steps.Select(s => s.Outcome));
        var expectation = Assert.Single(report.Expectations);
        Assert.False(expectation.Passed);
        Assert.Equal("not judged: the run stopped before it", expectation.Evidence);
    }

    [Fact]
    public async Task Steps_with_at_run_at_their_offset_beside_the_sequence()
    {
        var report = await RunAsync("""
              - sleep: 10s
              - expect: { imds: standby, has: 10.0.1.50 }
              - at: 3s
                assign: { instance: standby, ips: [10.0.1.50] }
              - at: 4s
                expect: { imds: standby, has: 10.0.1.50, within: 5s }
            """);

        Assert.True(report.Passed, report.Error);
        Assert.Equal(3, report.Steps.Single(s => s.Description.StartsWith("assign", StringComparison.Ordinal)).Start);
        Assert.Equal([5, 10], report.Expectations.Select(e => e.At).Order());
        Assert.Equal(10, report.Duration);
    }

    [Fact]
    public async Task Propagation_can_change_mid_run_for_everyone_or_one_instance()
    {
        var report = await RunAsync("""
              - propagation:
                  imds: fixed(500ms)
                  instances: { standby: fixed(7s) }
              - assign: { instance: primary, ips: [10.0.1.50] }
              - assign: { instance: standby, ips: [10.0.1.60] }
              - expect: { imds: primary, has: 10.0.1.50, within: 1m }
              - expect: { imds: standby, has: 10.0.1.60, within: 1m }
              - propagation: { instances: { standby: default } }
              - unassign: { instance: standby, ips: [10.0.1.60] }
              - expect: { imds: standby, lacks: 10.0.1.60, within: 1m }
            """);

        Assert.True(report.Passed, report.Error);
        Assert.Equal([0.5, 7, 7.5], report.Expectations.Select(e => e.At));
    }

    [Fact]
    public async Task Attach_detach_stop_start_and_their_metadata()
    {
        var report = await RunAsync("""
              - attach: { interface: spare, instance: standby, device: 1 }
              - expect: { api: standby, device: 1, equals: [10.0.1.80] }
              - expect: { imds: standby, device: 1, equals: [10.0.1.80], within: 5s }
              - detach: spare
              - expect: { imds: standby, lacks: 10.0.1.80, within: 5s }
              - stop: standby
              - expect: { api: standby, state: stopped }
              - expect: { imds: standby, has: 10.0.1.20, during: 5s }
            """);

        Assert.Equal([true, true, true, true, false], report.Expectations.Select(e => e.Passed));
        Assert.Contains("the metadata service of standby does not answer (its metadata shows it stopped)", report.Expectations[^1].Evidence);
    }

    [Fact]
    public async Task Elastic_ips_are_named_and_followed_in_the_api_and_metadata()
    {
        var report = await RunAsync("""
              - associate: { eip: service-ip, ip: 10.0.1.20 }
              - expect: { api: standby, has: service-ip }
              - expect: { imds: standby, has: service-ip, within: 5s }
              - disassociate: service-ip
              - expect: { imds: standby, lacks: service-ip, within: 5s }
            """);

        Assert.True(report.Passed, report.Error);
        Assert.Contains("198.51.100.", report.Steps[0].Detail);
        Assert.Equal([0, 2, 4], report.Expectations.Select(e => e.At));
    }

    [Fact]
    public async Task An_expectation_sees_what_a_step_beside_it_does_at_the_moment_it_does_it()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - parallel:
                  - expect: { api: primary, has: 10.0.1.50, during: 10s }
                  - expect: { imds: standby, has: 10.0.1.60, within: 20s }
                  - sleep: 2s
                  - at: 3s
                    unassign: { instance: primary, ips: [10.0.1.50] }
                  - at: 4s
                    assign: { instance: standby, ips: [10.0.1.60] }
            """, "clock: virtual\npropagation: { imds: fixed(0ms) }");

        Assert.Equal([(false, 3.0), (true, 4.0)], report.Expectations.Select(e => (e.Passed, e.At)).OrderBy(e => e.Item2));
    }

    [Fact]
    public async Task Waiting_expectations_see_what_a_step_does_after_another_expectation_beside_them_ends()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - parallel:
                  - expect: { api: primary, lacks: 10.0.1.60, during: 10s }
                  - expect: { api: primary, has: 10.0.1.60, within: 10s }
                  - repeat:
                      times: 1
                      steps:
                        - expect: { imds: primary, has: 10.0.1.50, within: 10s }
                        - assign: { instance: primary, ips: [10.0.1.60] }
                        - sleep: 1s
                        - unassign: { instance: primary, ips: [10.0.1.60] }
            """);

        Assert.Equal(
            [("API: primary has 10.0.1.60 within 10s", true, 2.0), ("API: primary lacks 10.0.1.60 for 10s", false, 2.0), ("metadata of primary has 10.0.1.50 within 10s", true, 2.0)],
            report.Expectations.Select(e => (e.Description, e.Passed, e.At)).OrderBy(e => e.Description, StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_expectation_the_run_stopped_in_the_middle_of_is_reported_as_not_judged()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - parallel:
                  - expect: { imds: standby, has: 10.0.1.50, within: 1m }
                  - assign: { instance: standby, ips: [10.0.1.50] }
            """);

        Assert.False(report.Passed);
        var expectation = Assert.Single(report.Expectations);
        Assert.Equal("not judged: the run stopped while it was being checked", expectation.Evidence);
        Assert.Equal(["ok", "failed"], report.Steps.Select(s => s.Outcome));
    }

    [Fact]
    public async Task A_virtual_run_replays_exactly_for_its_seed()
    {
        var scenario = ScenarioParser.Load(Scenarios.Shipped("address-churn.yaml"));

        var first = await RunCommand.RunEmbeddedAsync(scenario, RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));
        var second = await RunCommand.RunEmbeddedAsync(scenario, RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(first.Passed, first.Error);
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Equal(first.Expectations, second.Expectations);
        Assert.Equal(first.Duration, second.Duration);
    }
}
