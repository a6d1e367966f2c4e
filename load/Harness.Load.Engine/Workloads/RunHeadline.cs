using Harness.Domain.Delays;
using Harness.Load.Engine;
using Harness.Load.Reports;

namespace Harness.Load.Workloads;

/// <summary>
/// The lines every report opens with, so that a reader need not piece the verdict together from the tables: what ran,
/// whether the load generator and the target kept up, and what convergence looked like; and the warnings that say
/// when the figures below cannot carry a conclusion.
/// </summary>
internal static class RunHeadline
{
    /// <summary>Pollers dropping more than this share of their polls read later and less often than asked.</summary>
    private const double PollerDropShare = 0.01;

    /// <param name="windows">Each scenario's measured seconds, in the report's order (what its rates are over).</param>
    /// <param name="busy">Churn copies that found every address busy and did nothing.</param>
    public static IReadOnlyList<string> Lines(LoadReport report, LoadPlan plan, string fleet, IReadOnlyList<double> windows, long busy)
    {
        var polling = plan.PollInterval is { } interval ? $"; pollers read each instance every {DelayFormat.Duration(interval)}" : "";
        var ran = $"Ran {plan.Workload} ({LoadSimulation.Format(plan.Simulations)}, {ReportFormat.Seconds(plan.Duration.TotalSeconds)} measured) "
            + $"against {fleet}{polling}; set-up took {ReportFormat.Seconds(report.SetUpSeconds)}.";
        return [ran, KeptUp(report, windows, busy), Convergence(report.Convergence)];
    }

    /// <summary>One warning when the clean convergence samples are too few to compare with the model; none otherwise.</summary>
    public static IReadOnlyList<string> Warnings(ConvergenceReport? c)
    {
        if (c is null || c.Clean >= ReportBuilder.MinKsSamples)
        {
            return [];
        }

        return [$"Only {ReportFormat.Count(c.Clean)} of {ReportFormat.Count(c.Changes)} changes gave a clean convergence sample "
            + $"(fewer than {ReportBuilder.MinKsSamples}): {ReportFormat.Count(c.Superseded)} were superseded, {ReportFormat.Count(c.Ambiguous)} ambiguous, "
            + $"{ReportFormat.Count(c.Overlapped)} overlapped another change on their interface and {ReportFormat.Count(c.Unconverged)} never converged. "
            + "The observed quantiles say nothing about the delay model, and no KS distance is given. To measure convergence, run the "
            + "pollers workload (one change at a time per instance), or churn at a lower --rate or with a shorter --poll-interval."];
    }

    private static string KeptUp(LoadReport report, IReadOnlyList<double> windows, long busy)
    {
        var parts = new List<string>();
        var troubles = new List<string>();
        for (var i = 0; i < report.Scenarios.Count; i++)
        {
            var s = report.Scenarios[i];
            var window = i < windows.Count && windows[i] > 0 ? windows[i] : double.NaN;
            var calls = s.Steps.Sum(step => step.Count);
            var failed = s.Steps.Sum(step => step.Failed);
            parts.Add($"{s.Name} offered {ReportFormat.Rate((s.Copies + s.Dropped) / window)}/s and started {ReportFormat.Rate(s.Copies / window)}/s "
                + $"({ReportFormat.Count(s.Dropped)} dropped), {ReportFormat.Count(failed)} of {ReportFormat.Count(calls)} calls failed");
            var pollers = s.Name == PollerWorkload.Name;
            if (s.Dropped > (pollers ? (s.Copies + s.Dropped) * PollerDropShare : 0))
            {
                troubles.Add(pollers ? "the pollers fell behind" : $"{s.Name} dropped copies");
            }

            if (failed > 0)
            {
                troubles.Add($"{s.Name} had failures");
            }
        }

        if (busy > 0)
        {
            parts.Add($"{ReportFormat.Count(busy)} churn copies found every address busy and did nothing");
            troubles.Add("the address pool was too small for the rate");
        }

        var verdict = troubles.Count == 0 ? "Kept up" : $"Did not keep up ({string.Join("; ", troubles)})";
        return parts.Count == 0 ? $"{verdict}: nothing ran." : $"{verdict}: {string.Join("; ", parts)}.";
    }

    private static string Convergence(ConvergenceReport? c)
    {
        if (c is null)
        {
            return "Convergence was not measured (nothing polled metadata).";
        }

        var line = $"Convergence: {ReportFormat.Count(c.Converged)} of {ReportFormat.Count(c.Changes)} changes converged, "
            + $"{ReportFormat.Count(c.Clean)} of them clean ({ReportFormat.Count(c.Superseded)} superseded, {ReportFormat.Count(c.Ambiguous)} ambiguous, "
            + $"{ReportFormat.Count(c.Overlapped)} overlapped, {ReportFormat.Count(c.Unconverged)} unconverged)";
        if (c.Converged > 0)
        {
            line += $"; observed p50 {ReportFormat.Ms(c.Observed.P50Ms)} ms, p99 {ReportFormat.Ms(c.Observed.P99Ms)} ms";
            line += c.Configured is { } m
                ? $" against the configured median {ReportFormat.Ms(m.P50Ms)} ms, p99 {ReportFormat.Ms(m.P99Ms)} ms (plus up to {ReportFormat.Ms(c.PollIntervalMs)} ms of poll wait)"
                : $" (the model {(c.Model is null ? "is unknown" : $"{c.Model} has no closed-form quantiles")})";
        }

        return line + (c.KsDistance is { } ks ? $"; KS distance {ReportFormat.Number(ks, "0.000")}." : c.Clean < ReportBuilder.MinKsSamples ? "; too few clean samples for a KS distance." : ".");
    }
}
