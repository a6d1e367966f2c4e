using System.Globalization;
using Harness.Load.Engine;
using Harness.Load.Workloads;
using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>
/// The scenario's <c>load:</c>. Each workload starts at its offset from time zero, beside the steps, against the same API
/// (EC2's, or on <c>cloud: alibaba</c> the ECS and VPC APIs) and without the steps' header: its calls are the world's, so the faults in force touch them. It builds a
/// fleet of its own (its own VPCs, subnets and instances, taken down with the scenario's own at the clean-up) and stops
/// when it has run its course or when the steps end, whichever comes first. It always stops before the run's clean-up
/// (faults cleared, the report gathered, propagation settings put back), so the load never runs into a half-cleaned
/// harness and the clean-up never races a load call.
/// </summary>
public sealed partial class ScenarioRunner
{
    /// <summary>How often a running load says where it stands (the engine reports every second).</summary>
    private static readonly TimeSpan LoadProgressEvery = TimeSpan.FromSeconds(5);

    /// <summary>The VPCs the loads' set-up created, as it created them (a set-up cut short leaves some too).</summary>
    private readonly List<string> loadVpcs = [];

    private string[] LoadVpcs()
    {
        lock (gate)
        {
            return [.. loadVpcs];
        }
    }

    private void NoteLoadVpc(string vpcId)
    {
        lock (gate)
        {
            loadVpcs.Add(vpcId);
        }
    }

    /// <summary>Starts every workload; each task ends with its report, never with an exception.</summary>
    private List<Task<LoadRunReport>> StartLoads(CancellationToken stop) =>
        [.. scenario.Load.Select((spec, i) => Task.Run(() => RunLoadAsync(spec, i, stop), CancellationToken.None))];

    private List<LoadRunReport> LoadsNotStarted(string why) =>
        [.. scenario.Load.Select(spec => LoadReport(spec, null, null, null, LoadRunReport.NotStarted, why, null, null))];

    private async Task<LoadRunReport> RunLoadAsync(LoadSpec spec, int index, CancellationToken stop)
    {
        var several = scenario.Load.Count > 1;
        var label = several ? $"load {index + 1} ({spec.Workload})" : $"load {spec.Workload}";
        try
        {
            await clock.WaitUntilAsync(clock.Start + spec.Start, stop);
        }
        catch (OperationCanceledException)
        {
            return LoadReport(spec, null, null, null, LoadRunReport.NotStarted,
                Token.IsCancellationRequested ? "the run stopped before its start" : $"the steps ended before its start ({Durations.Format(spec.Start)})", null, null);
        }

        var began = clock.Elapsed.TotalSeconds;
        progress.Line(clock.Elapsed, "▶", $"{label}: {spec.Describe()}");
        double? running = null;
        var shown = TimeSpan.Zero;
        void Show(LoadProgress state)
        {
            // The engine's first report comes a second in (or at its end): its elapsed time dates the start of the workload.
            running ??= (clock.Elapsed - state.Elapsed).TotalSeconds;
            if (state.Elapsed - shown < LoadProgressEvery)
            {
                return;
            }

            shown = state.Elapsed;
            var steps = state.Scenarios.SelectMany(s => s.Steps).ToList();
            progress.Line(clock.Elapsed, "│", string.Create(CultureInfo.InvariantCulture,
                $"{label}: {(state.WarmingUp ? "warming up" : "running")} {state.Elapsed.TotalSeconds:0}s: {steps.Sum(s => s.Count):N0} calls, {steps.Sum(s => s.Failed):N0} failed"));
        }

        try
        {
            var command = $"{scenario.File}:{spec.Mark.Line}: load: {{ workload: {spec.Workload}{string.Concat(spec.Options.Select(o => $", {o.Key}: {o.Value}"))} }}";
            var outcome = await LoadRunner.RunAsync(spec.Plan with { Topology = spec.Plan.Topology with { VpcCreated = NoteLoadVpc, AlibabaRegion = scenario.Region } }, harness, command, LoadTime, line => progress.Line(clock.Elapsed, "│", $"{label}: {line}"), Show, stop, controlToken,
                IsAlibaba ? ecsEndpoint ?? throw new StepException("a cloud: alibaba scenario's load needs the harness's ECS endpoint (run --ecs-target URL beside --target)") : null);
            var stopped = outcome.Run.Cancelled;
            var detail = !stopped ? "it ran its course" : Token.IsCancellationRequested ? "the run stopped" : "the steps ended";
            var report = LoadReport(spec, began, running, clock.Elapsed.TotalSeconds, stopped ? LoadRunReport.Stopped : LoadRunReport.Completed, detail,
                several ? $"load-{index + 1}" : "load", outcome.Report with { Title = $"{scenario.Name}: load {spec.Workload}" });
            progress.Line(clock.Elapsed, "■", string.Create(CultureInfo.InvariantCulture,
                $"{label} {(stopped ? $"stopped ({detail})" : "ran its course")}: {report.Calls:N0} calls, {report.FailedCalls:N0} failed"));
            return report;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            var detail = $"{(Token.IsCancellationRequested ? "the run stopped" : "the steps ended")} {(running is null ? "during its set-up" : "before it could report")}";
            progress.Line(clock.Elapsed, "■", $"{label} stopped: {detail}");
            return LoadReport(spec, began, null, clock.Elapsed.TotalSeconds, LoadRunReport.Stopped, detail, null, null);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // Like a refused step: the run cannot go on as written, so it stops here.
            var detail = $"{(running is null ? "its set-up failed" : "it failed")}: {Explain(failure)}";
            Fail($"line {spec.Mark.Line}: {label}: {detail}");
            return LoadReport(spec, began, running, clock.Elapsed.TotalSeconds, LoadRunReport.Failed, detail, null, null);
        }
    }

    /// <summary>The load runs in real time; the parser refuses a load block on the virtual clock, so this is the real clock's.</summary>
    private TimeProvider LoadTime => clock is RealScenarioClock real ? real.Time : TimeProvider.System;

    private static LoadRunReport LoadReport(
        LoadSpec spec, double? began, double? running, double? ended, string outcome, string detail, string? directory, Harness.Load.Reports.LoadReport? report) =>
        new(spec.Mark.Line, spec.Workload, spec.Options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal), spec.Start.TotalSeconds,
            began, running, ended, outcome, detail, directory, report);
}
