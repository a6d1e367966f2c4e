using Harness.Domain.Faults;
using Harness.Host;
using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>fault: and clearFault: steps, the metFault verdict, and faults in reports.</summary>
public sealed class FaultStepTests
{
    [Fact]
    public void Fault_steps_read_a_spec_by_string_or_by_name_and_spec()
    {
        var scenario = ScenarioParser.Parse("t.yaml", Scenarios.With("""
              - fault: "imds-latency(delay=fixed(200ms))"
              - fault: { name: brownout, spec: "imds-error(status=503, rate=40%, instance=standby)" }
              - clearFault: brownout
            """));

        var unnamed = Assert.IsType<FaultStep>(scenario.Steps[0]);
        Assert.Null(unnamed.Name);
        Assert.Equal(FaultKinds.ImdsLatency, unnamed.Spec.Kind);
        var named = Assert.IsType<FaultStep>(scenario.Steps[1]);
        Assert.Equal(("brownout", "standby", 0.4), (named.Name, named.Spec.Instance, named.Spec.Rate!.Value));
        Assert.Equal("brownout", Assert.IsType<ClearFaultStep>(scenario.Steps[2]).Name);
    }

    [Theory]
    // A bad spec is pointed at inside the file: the quote is column 29, the spec starts at 30.
    [InlineData("""  - fault: { name: x, spec: "imds-error(rate=2)" }""", 1, 46, "not a fault spec: a rate is at most 1 (100%)")]
    [InlineData("""  - fault: imds-eror""", 1, 12, "unknown fault kind 'imds-eror'")]
    [InlineData("""  - fault: { name: x, spec: "imds-stuck(instance=nobody)" }""", 1, 5, "No instance is named 'nobody'")]
    [InlineData("""  - fault: { name: x, spec: "imds-stuck(interface=nothing)" }""", 1, 5, "No interface is named 'nothing'")]
    [InlineData("""  - clearFault: ghost""", 1, 5, "No fault is named 'ghost'")]
    [InlineData("""  - fault: { name: x }""", 1, 12, "fault needs 'spec'")]
    [InlineData("""  - fault: { name: "a b", spec: imds-stuck }""", 1, 5, "'a b' cannot name a fault")]
    [InlineData("""  - fault: { name: t, spec: "imds-throttle(pps=5, interface=spare)" }""", 1, 5, "counts against an instance's primary interface")]
    [InlineData("""  - repeat: { times: 2, steps: [ { fault: { name: r, spec: imds-stuck } } ] }""", 1, 36, "A named fault cannot be inside repeat")]
    public void A_bad_fault_step_is_an_error_at_its_place(string steps, int stepLine, int column, string message)
    {
        var text = Scenarios.With(steps);
        var firstStepLine = text.Split('\n').ToList().IndexOf("steps:") + 2;

        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceMark(firstStepLine + stepLine - 1, column), error.Mark);
    }

    [Fact]
    public void MetFault_must_name_a_fault_of_the_scenario()
    {
        var text = Scenarios.With("""
              - client: { name: c, instance: primary, run: ./x.sh }
              - expect: { client: c, metFault: nothing }
            """, "clock: real");

        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors);

        Assert.Contains("No fault is named 'nothing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetFault_on_a_fault_that_acts_on_changes_is_refused()
    {
        var text = Scenarios.With("""
              - fault: { name: stuck, spec: imds-stuck }
              - client: { name: c, instance: primary, run: ./x.sh }
              - expect: { client: c, metFault: stuck }
            """, "clock: real");

        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors);

        Assert.Contains("acts on metadata changes, not on a client's requests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_puts_its_faults_in_force_with_ids_for_names_reports_them_and_clears_them_at_the_end()
    {
        var scenario = ScenarioParser.Parse("t.yaml", Scenarios.With("""
              - fault: { name: stuck, spec: "imds-stuck(instance=standby)" }
              - fault: { name: slow, spec: "ec2-latency(delay=fixed(1s))" }
              - assign: { instance: standby, ips: [10.0.1.60] }
              - expect: { imds: standby, lacks: 10.0.1.60, during: 10s }
              - clearFault: stuck
              - expect: { imds: standby, has: 10.0.1.60, within: 1ms }
            """));

        var report = await RunCommand.RunEmbeddedAsync(scenario, RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(report.Passed, report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => e.Evidence)));
        var windows = FaultWindow.Of(report);
        Assert.Equal(["stuck", "slow"], windows.Select(w => w.Name));
        var stuck = windows[0];
        Assert.StartsWith("imds-stuck(instance=i-", stuck.Spec, StringComparison.Ordinal);
        Assert.Equal(("cleared", 10.0), (stuck.Ending, stuck.End!.Value));
        Assert.Equal(1, stuck.Touched); // held once while in force; the release comes with its end
        Assert.Equal("cleared", windows[1].Ending);
        Assert.Equal(0, windows[1].Touched);
        Assert.Contains(report.Faults, f => f is { Event: "touched", Instance: "standby", Detail: "held until the fault ends" });
        Assert.Contains(report.Events, e => e is { Instance: "standby", Detail: "+10.0.1.60", Fault: "stuck", Status: "applied" });
        Assert.Contains("## Faults", MarkdownReport.Render(report), StringComparison.Ordinal);
        Assert.Contains("fault stuck", HtmlReport.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_stops_on_a_refused_step_still_clears_its_faults_on_a_shared_harness()
    {
        await using var app = HarnessApp.Build(new HarnessHostOptions(0, 0, 3));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Ec2Url) };
        var scenario = ScenarioParser.Parse("t.yaml", Scenarios.With("""
              - fault: { name: stuck, spec: "imds-stuck(instance=standby)" }
              - fault: "ec2-latency(delay=fixed(1ms))"
              - assign: { instance: standby, ips: [10.0.1.10] }
              - sleep: 1s
            """, "clock: real"));

        var report = await ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), app.Ec2Url, new RealScenarioClock(TimeProvider.System), RunProgress.None)
            .WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(report.Passed);
        Assert.StartsWith("line 21: assign 10.0.1.10 to standby", report.Error, StringComparison.Ordinal);
        Assert.Equal(["stuck", "fault-2"], FaultWindow.Of(report).Select(w => w.Name));
        Assert.All(FaultWindow.Of(report), w => Assert.Equal("cleared", w.Ending));
        using var left = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/_harness/faults"));
        Assert.Empty(left.RootElement.GetProperty("faults").EnumerateArray());
    }

    [Fact]
    public async Task A_named_fault_still_in_force_elsewhere_stops_the_run_with_the_harness_reason()
    {
        var scenario = ScenarioParser.Parse("t.yaml", Scenarios.With("""
              - fault: { name: twice, spec: "imds-stuck" }
              - fault: { name: twice, spec: "imds-stuck" }
            """));

        var report = await RunCommand.RunEmbeddedAsync(scenario, RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(report.Passed);
        Assert.Contains("'twice' is already in force", report.Error, StringComparison.Ordinal);
    }
}
