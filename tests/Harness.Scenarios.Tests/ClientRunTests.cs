using System.Xml.Linq;
using Harness.Host;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>Client steps on the real clock: how programs under test are run, stopped and judged.</summary>
public sealed class ClientRunTests
{
    private const string Header = "clock: real\npropagation: { imds: fixed(3s) }";

    private static Task<RunReport> RunAsync(string steps, string header = Header) => RunCommand.RunEmbeddedAsync(
        ScenarioParser.Parse(Path.Combine(Path.GetDirectoryName(Scenarios.Shipped("x"))!, "test.yaml"), Scenarios.With(steps, header)),
        RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task A_client_that_exits_is_judged_by_its_exit_even_if_it_left_a_child_running_which_is_stopped()
    {
        var report = await RunAsync("""
              - client: { name: c, instance: primary, run: "sleep 30 & echo started", timeout: 20s }
              - expect: { client: c, exitCode: 0, maxDuration: 5s }
            """);

        Assert.True(report.Passed, string.Join("\n", report.Expectations.Select(e => e.Evidence)));
        var client = Assert.Single(report.Clients);
        Assert.Equal("started\n", client.Stdout);
        Assert.False(client.TimedOut);
    }

    [Fact]
    public async Task A_client_past_its_timeout_is_killed_with_its_children_and_judged_so()
    {
        var report = await RunAsync("""
              - client: { name: c, instance: primary, run: "sleep 60 & sleep 60", timeout: 1s }
              - expect: { client: c, exitCode: 0 }
            """);

        var client = Assert.Single(report.Clients);
        Assert.True(client.TimedOut);
        Assert.Null(client.ExitCode);
        Assert.True(client.End - client.Start < 10, $"the client ran {client.End - client.Start}s");
        Assert.Contains("timed out and was killed", Assert.Single(report.Expectations).Evidence);
    }

    [Fact]
    public async Task Terminal_colours_in_a_clients_output_still_give_all_four_reports()
    {
        var report = await RunAsync("""
              - client: { name: c, instance: primary, run: "printf '\\033[32mok\\033[0m \\001\\n'" }
              - expect: { client: c, exitCode: 0 }
            """);
        var directory = Directory.CreateTempSubdirectory("harness-colours-").FullName;

        var files = ReportWriter.WriteAll(report, directory);

        Assert.All(files, f => Assert.Null(f.Error));
        Assert.Contains("ok \uFFFD", XDocument.Load(Path.Combine(directory, "junit.xml")).Descendants("system-out").Last().Value);
    }

    [Fact]
    public async Task Nothing_runs_on_a_terminated_instance()
    {
        var report = await RunAsync("""
              - terminate: standby
              - client: { name: c, instance: standby, run: "true" }
              - expect: { client: c, exitCode: 0 }
            """);

        Assert.False(report.Passed);
        Assert.Empty(report.Clients);
        Assert.EndsWith("is terminated: nothing runs on it.", report.Error);
        Assert.Equal("failed", report.Steps.Single(s => s.Description.StartsWith("client", StringComparison.Ordinal)).Outcome);
    }

    /// <summary>
    /// The address moves from standby to primary; before standby's metadata has caught up, a client on standby reads
    /// local-ipv4s and finds the address still listed. That listing is stale and does not count as having waited.
    /// </summary>
    [Fact]
    public async Task A_read_that_lists_the_address_from_a_stale_view_does_not_count_as_waiting()
    {
        var report = await RunAsync("""
              - assign: { instance: standby, ips: [10.0.1.50] }
              - propagation: flush
              - reassign: { ip: 10.0.1.50, to: primary }
              - client:
                  name: reader
                  instance: standby
                  run: "e=$AWS_EC2_METADATA_SERVICE_ENDPOINT/latest/meta-data; curl -sf $e/network/interfaces/macs/$(curl -sf $e/mac)/local-ipv4s"
              - expect: { client: reader, exitCode: 0, waitedForImds: 10.0.1.50 }
            """, "clock: real\npropagation: { imds: fixed(10s) }");

        var verdict = Assert.Single(report.Expectations);
        Assert.False(verdict.Passed);
        Assert.Contains("read a stale view: it read local-ipv4s 1 time (", verdict.Evidence);
        Assert.Contains("came from metadata that had not caught up", verdict.Evidence);
        var read = Assert.Single(report.Clients[0].Calls, c => c.Target.EndsWith("/local-ipv4s", StringComparison.Ordinal));
        Assert.Equal(false, read.Current);
    }

    /// <summary>The correct agent moves the address from its own device 1 to device 0: a move within one instance.</summary>
    [Fact]
    public async Task A_move_between_two_interfaces_of_the_clients_own_instance_is_waited_for_correctly()
    {
        var report = await RunAsync("""
              - attach: { interface: spare, instance: standby, device: 1 }
              - assign: { interface: spare, ips: [10.0.1.50] }
              - propagation: flush
              - client: { name: agent, instance: standby, run: ./clients/take-vip.sh 10.0.1.50 }
              - expect: { client: agent, exitCode: 0, waitedForImds: 10.0.1.50 }
            """, "clock: real\npropagation: { imds: fixed(1s) }");

        Assert.True(report.Passed, report.Error ?? report.Expectations[0].Evidence);
        Assert.Contains("from metadata that had caught up", report.Expectations[0].Evidence);
    }

    /// <summary>
    /// The harness goes away while a client runs beside an expectation: the expectation fails and stops the run, the
    /// client is stopped, and marking its end with the gone harness fails too. The run still ends with its report.
    /// </summary>
    [Fact]
    public async Task A_harness_gone_while_a_client_runs_still_gives_a_report()
    {
        var app = HarnessApp.Build(new HarnessHostOptions(0, 0, 3));
        await app.StartAsync();
        var scenario = ScenarioParser.Parse("test.yaml", Scenarios.With("""
              - parallel:
                  - client: { name: c, instance: primary, run: "sleep 20", timeout: 30s }
                  - expect: { imds: primary, has: 10.0.1.50, within: 1m }
            """, "clock: real\npropagation: { imds: never }"));

        var started = new SignalWriter("▶ client c");
        var run = ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), app.Ec2Url, new RealScenarioClock(TimeProvider.System), new RunProgress(started));
        await started.Seen.WaitAsync(TimeSpan.FromMinutes(1));
        await Task.Delay(300);
        await app.DisposeAsync();
        var report = await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.False(report.Passed);
        Assert.NotNull(report.Error);
        Assert.Contains("metadata of primary has 10.0.1.50", report.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The edge of the wait verdict: each agent polls its local-ipv4s and exits the instant a read lists the address,
    /// with nothing after that read. Judged on one clock, in an order fixed by construction, every one passes; on an
    /// embedded harness and on one reached as a target, three runs of sixteen agents each.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_agent_that_exits_the_instant_its_read_shows_the_address_passes_every_time(bool target)
    {
        const int Rounds = 16;
        const string Agent = "e=$AWS_EC2_METADATA_SERVICE_ENDPOINT/latest/meta-data; m=$(curl -sf $e/mac); "
            + "until curl -sf $e/network/interfaces/macs/$m/local-ipv4s | grep -qx 10.0.1.50; do :; done";
        var steps = new System.Text.StringBuilder("  - assign: { instance: primary, ips: [10.0.1.50] }\n");
        for (var round = 0; round < Rounds; round++)
        {
            var on = round % 2 == 0 ? "primary" : "standby";
            if (round > 0)
            {
                steps.Append($"  - reassign: {{ ip: 10.0.1.50, to: {on} }}\n");
            }

            steps.Append($"  - client: {{ name: agent{round}, instance: {on}, run: \"{Agent}\", timeout: 20s }}\n")
                .Append($"  - expect: {{ client: agent{round}, exitCode: 0, waitedForImds: 10.0.1.50 }}\n");
        }

        var scenario = ScenarioParser.Parse("test.yaml", Scenarios.With(steps.ToString(), "clock: real\npropagation: { imds: fixed(150ms) }"));
        for (var run = 0; run < 3; run++)
        {
            RunReport report;
            if (target)
            {
                await using var app = HarnessApp.Build(new HarnessHostOptions(0, 0, 3));
                await app.StartAsync();
                report = await ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), app.Ec2Url, new RealScenarioClock(TimeProvider.System), RunProgress.None)
                    .WaitAsync(TimeSpan.FromMinutes(2));
            }
            else
            {
                report = await RunCommand.RunEmbeddedAsync(scenario, RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));
            }

            Assert.Null(report.Error);
            Assert.Equal(Rounds, report.Expectations.Count);
            Assert.All(report.Expectations, e => Assert.True(e.Passed, $"run {run}: {e.Description}: {e.Evidence}"));
            foreach (var client in report.Clients)
            {
                // The read that counted is the agent's last: it exited on it.
                var reads = client.Calls.Where(c => c.Target.EndsWith("/local-ipv4s", StringComparison.Ordinal) && !c.AfterEnd).ToList();
                Assert.Contains("10.0.1.50", reads[^1].Body!.Split('\n'));
                Assert.True(reads[^1].Current, $"run {run}: {client.Name}'s last read was not current");
                Assert.True(client.Start <= reads[0].At && reads[^1].At <= client.End, $"run {run}: {client.Name}'s reads are outside {client.Start}–{client.End}");
            }
        }
    }

    /// <summary>A client's output lines come before the line saying it exited, in print and in time, however late they are read.</summary>
    [Fact]
    public async Task A_clients_output_is_shown_before_its_exit_in_order_and_in_time()
    {
        var scenario = ScenarioParser.Parse("test.yaml", Scenarios.With("""
              - client: { name: c, instance: primary, run: "seq 1 2000; seq 1 500 >&2" }
              - expect: { client: c, exitCode: 0 }
            """, Header));
        var output = new StringWriter();

        var report = await RunCommand.RunEmbeddedAsync(scenario, new RunProgress(output)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(report.Passed, report.Error);
        var lines = output.ToString().Split('\n');
        var exited = Array.FindIndex(lines, l => l.Contains("■ client c exited 0", StringComparison.Ordinal));
        var printed = lines.Select((l, i) => (Line: l, Index: i)).Where(x => x.Line.Contains("│ c: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2500, printed.Count);
        Assert.True(printed[^1].Index < exited, "an output line came after the exit line");
        var stamp = (string line) => double.Parse(line[1..line.IndexOf('s')], System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(printed, x => Assert.True(stamp(x.Line) <= stamp(lines[exited]), $"{x.Line} is stamped after {lines[exited]}"));
    }

    [Fact]
    public async Task When_the_harness_goes_away_the_run_stops_with_reports_instead_of_crashing()
    {
        var app = HarnessApp.Build(new HarnessHostOptions(0, 0, 3));
        await app.StartAsync();
        var scenario = ScenarioParser.Parse("test.yaml", Scenarios.With("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, has: 10.0.1.50, within: 1m }
            """, "clock: real\npropagation: { imds: never }"));

        // The harness goes away once the assign is done, while the expectation waits: not after a guessed delay.
        var assigned = new SignalWriter("assign 10.0.1.50");
        var run = ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), app.Ec2Url, new RealScenarioClock(TimeProvider.System), new RunProgress(assigned));
        await assigned.Seen.WaitAsync(TimeSpan.FromMinutes(1));
        await Task.Delay(100);
        await app.DisposeAsync();
        var report = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(report.Passed);
        Assert.StartsWith("line 21: metadata of primary has 10.0.1.50 within 1m: ", report.Error);
        Assert.StartsWith("could not be checked: ", Assert.Single(report.Expectations).Evidence);
    }
}

/// <summary>Progress output that says when a line with <paramref name="text"/> has been written.</summary>
internal sealed class SignalWriter(string text) : StringWriter
{
    private readonly TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Seen => seen.Task;

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value?.Contains(text, StringComparison.Ordinal) == true)
        {
            seen.TrySetResult();
        }
    }
}
