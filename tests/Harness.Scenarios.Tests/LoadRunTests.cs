using System.Text.Json;
using Harness.Host;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>A load: block on an embedded harness, in real time: it runs beside the steps, stops with them, and is reported.</summary>
public sealed class LoadRunTests
{
    private static Task<RunReport> RunAsync(string steps, string load, string propagation = "fixed(300ms)") => RunCommand.RunEmbeddedAsync(
        ScenarioParser.Parse("load-test.yaml", Scenarios.With(steps, $"clock: real\npropagation: {{ imds: \"{propagation}\" }}\n{load}")),
        RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));

    private static string Failures(RunReport report) =>
        report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Evidence}"));

    [Fact]
    public async Task A_load_runs_beside_the_steps_stops_with_them_and_is_in_every_report()
    {
        var report = await RunAsync("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, has: 10.0.1.50, within: 10s }
              - sleep: 3s
              - reassign: { ip: 10.0.1.50, to: standby }
              - expect: { api: standby, has: 10.0.1.50 }
              - expect: { imds: standby, has: 10.0.1.50, within: 10s }
              - expect: { imds: primary, lacks: 10.0.1.50, within: 10s }
            """, """
            load:
              workload: mixed
              rate: 20
              instances: 4
              poll-interval: 200ms
              warm-up: 0s
            """);

        // The steps' verdicts are the steps' own.
        Assert.True(report.Passed, Failures(report));
        Assert.All(report.Steps, s => Assert.Equal("ok", s.Outcome));
        Assert.Equal(4, report.Expectations.Count);
        Assert.All(report.Events, e => Assert.Contains(e.Instance, new[] { "primary", "standby" }));

        var load = Assert.Single(report.Loads);
        Assert.Equal(("mixed", LoadRunReport.Stopped, "the steps ended", "load"), (load.Workload, load.Outcome, load.Detail, load.Directory));
        Assert.True(load.Began < load.Running && load.Running < load.Ended, $"began {load.Began}, running {load.Running}, ended {load.Ended}");
        Assert.True(load.Ended >= report.Steps.Max(s => s.End), "the load stops only when the steps have ended");
        var result = load.Report!;
        Assert.Equal(["churn", "describe-storm", "pollers"], result.Scenarios.Select(s => s.Name));
        Assert.All(result.Scenarios, s => Assert.True(s.Steps.Sum(t => t.Count) > 0, $"{s.Name} made no calls"));
        Assert.True(load.Calls > 50, $"{load.Calls} calls");

        // Nothing failed but what the stop cut off.
        Assert.All(result.Scenarios.SelectMany(s => s.Steps).SelectMany(t => t.FailuresByCode), f => Assert.Equal("stopped", f.Code));
        Assert.True(result.Convergence!.Changes > 0);
        Assert.Equal("fixed(300ms)", result.Convergence.Model);
        Assert.Contains(result.Notes, n => n.Contains("stopped before its end", StringComparison.Ordinal));

        var directory = Directory.CreateTempSubdirectory("harness-load-report-").FullName;
        var files = ReportWriter.WriteAll(report, directory);
        Assert.All(files, f => Assert.Null(f.Error));
        Assert.Equal(["report.md", "report.html", "report.json", "junit.xml", "load/report.md", "load/report.html", "load/report.json", "load/steps.csv", "load/timeline.csv", "load/convergence.csv"],
            files.Select(f => Path.GetRelativePath(directory, f.Path)));
        var markdown = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
        Assert.Contains("## Load", markdown, StringComparison.Ordinal);
        Assert.Contains("[load/report.html](load/report.html)", markdown, StringComparison.Ordinal);
        Assert.Contains("| churn / reassign | ", markdown, StringComparison.Ordinal);
        Assert.Contains("Convergence in its fleet's metadata (model fixed(300ms)", markdown, StringComparison.Ordinal);
        Assert.NotEmpty(result.Headline);
        Assert.All(result.Headline, line => Assert.Contains($"- {line}", markdown, StringComparison.Ordinal));
        Assert.All(result.Warnings, warning => Assert.Contains($"> **Warning:** {warning}", markdown, StringComparison.Ordinal));
        var html = await File.ReadAllTextAsync(Path.Combine(directory, "report.html"));
        Assert.Contains(System.Net.WebUtility.HtmlEncode(result.Headline[0]), html, StringComparison.Ordinal);
        Assert.Contains("<h2>Load</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"load/report.html\">", html, StringComparison.Ordinal);
        Assert.Contains(">load mixed</text>", html, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "report.json")));
        var loaded = json.RootElement.GetProperty("loads")[0];
        Assert.Equal("stopped", loaded.GetProperty("outcome").GetString());
        Assert.True(loaded.GetProperty("report").GetProperty("scenarios")[0].GetProperty("steps")[0].GetProperty("count").GetInt64() > 0);
    }

    /// <summary>
    /// On a shared harness a run takes down everything it brought: its own world, its load's fleet, and its clients'
    /// registrations, so the harness is as it was before.
    /// </summary>
    [Fact]
    public async Task On_a_shared_harness_the_loads_fleet_and_the_clients_go_with_the_run()
    {
        await using var app = HarnessApp.Build(new HarnessHostOptions(0, 0, 3));
        await app.StartAsync();
        var scenario = ScenarioParser.Parse("load-test.yaml", Scenarios.With("""
              - client: { name: c, instance: primary, run: "true" }
              - sleep: 2s
            """, "clock: real\npropagation: { imds: \"fixed(300ms)\" }\nload: { workload: churn, rate: 20, instances: 4, warm-up: 0s }"));

        var report = await ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), app.Ec2Url, new RealScenarioClock(TimeProvider.System), RunProgress.None)
            .WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(report.Passed, Failures(report));
        Assert.Contains("cleaned up", report.CleanUp, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(app.Ec2Url) };
        using var clients = JsonDocument.Parse(await http.GetStringAsync("/_harness/clients"));
        Assert.Equal(0, clients.RootElement.GetProperty("clients").GetArrayLength());
        using var describe = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "DescribeVpcs", ["Version"] = "2016-11-15" }),
        };
        var vpcs = await (await http.SendAsync(describe)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<vpcId>", vpcs, StringComparison.Ordinal);
    }

    /// <summary>Load calls carry no step header: an EC2 fault touches them, while the scenario's own describes go through.</summary>
    [Fact]
    public async Task Faults_touch_the_loads_calls_and_not_the_steps()
    {
        var report = await RunAsync("""
              - fault: { name: no-describe, spec: "ec2-error(code=Unavailable, action=DescribeNetworkInterfaces)" }
              - sleep: 2s
              - expect: { api: primary, has: 10.0.1.10 }
            """, "load: { workload: describe-storm, rate: 20, instances: 2, warm-up: 0s, start: 200ms }");

        Assert.True(report.Passed, Failures(report));
        var steps = Assert.Single(report.Loads).Report!.Scenarios.Single().Steps;
        Assert.True(steps.Sum(s => s.Count) > 5);
        Assert.All(steps, s => Assert.Equal(s.Count, s.Failed));
        Assert.All(steps, s => Assert.Contains(s.FailuresByCode, f => f.Code == "Unavailable"));
        Assert.All(steps.SelectMany(s => s.FailuresByCode), f => Assert.Contains(f.Code, new[] { "Unavailable", "stopped" }));
        Assert.Contains(report.Faults, f => f.Event == "touched");
    }

    [Fact]
    public async Task A_load_that_cannot_set_up_stops_the_run_like_a_refused_step()
    {
        var report = await RunAsync("""
              - fault: { name: no-launch, spec: "ec2-error(action=RunInstances)" }
              - sleep: 20s
              - expect: { api: primary, has: 10.0.1.10 }
            """, "load: { workload: churn, rate: 10, instances: 2, start: 200ms }");

        Assert.False(report.Passed);
        Assert.Matches(@"^line \d+: load churn: its set-up failed: RunInstances failed with InternalError", report.Error);
        var load = Assert.Single(report.Loads);
        Assert.Equal((LoadRunReport.Failed, null), (load.Outcome, load.Report));
        Assert.Equal("interrupted", report.Steps.Single(s => s.Description.StartsWith("sleep", StringComparison.Ordinal)).Outcome);
        Assert.StartsWith("not judged", Assert.Single(report.Expectations).Evidence, StringComparison.Ordinal);
        Assert.True(report.Duration < 15, $"the run went on for {report.Duration}s");
    }

    [Fact]
    public async Task Several_loads_run_their_course_or_never_start_and_each_has_its_own_folder()
    {
        var report = await RunAsync("  - sleep: 4s", """
            load:
              - { workload: churn, rate: 20, duration: 1s, instances: 2, warm-up: 0s }
              - { workload: describe-storm, rate: 5, instances: 1, start: 10m }
            """);

        Assert.True(report.Passed, Failures(report));
        var (ran, never) = (report.Loads[0], report.Loads[1]);
        Assert.Equal((LoadRunReport.Completed, "it ran its course", "load-1"), (ran.Outcome, ran.Detail, ran.Directory));
        Assert.True(ran.Ended < 4, $"the churn ended at {ran.Ended}s");
        Assert.True(ran.Calls > 5);
        Assert.Equal((LoadRunReport.NotStarted, "the steps ended before its start (10m)", null, null), (never.Outcome, never.Detail, never.Began, never.Report));
        var directory = Directory.CreateTempSubdirectory("harness-loads-").FullName;
        Assert.All(ReportWriter.WriteAll(report, directory), f => Assert.Null(f.Error));
        Assert.True(File.Exists(Path.Combine(directory, "load-1", "report.html")));
        Assert.False(Directory.Exists(Path.Combine(directory, "load-2")));
        Assert.Contains("the steps ended before its start (10m).", await File.ReadAllTextAsync(Path.Combine(directory, "report.md")), StringComparison.Ordinal);
    }
}
