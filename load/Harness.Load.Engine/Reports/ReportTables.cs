namespace Harness.Load.Reports;

/// <summary>The tables every report for people shows, built once so that the console, Markdown and HTML agree.</summary>
internal static class ReportTables
{
    public static IReadOnlyList<string> StepHeaders { get; } =
        ["count", "ok", "failed", "rps", "min ms", "mean ms", "p50 ms", "p75 ms", "p95 ms", "p99 ms", "max ms"];

    /// <summary>A step's counts, rate and latency; a step without calls has no latency to show, so dashes.</summary>
    public static IEnumerable<string> StepCells(StepReport step)
    {
        var l = step.Latency;
        return [ReportFormat.Count(step.Count), ReportFormat.Count(step.Ok), ReportFormat.Count(step.Failed), ReportFormat.Rate(step.RequestsPerSecond),
            .. new[] { l.MinMs, l.MeanMs, l.P50Ms, l.P75Ms, l.P95Ms, l.P99Ms, l.MaxMs }.Select(ms => Ms(ms, step.Count > 0))];
    }

    /// <summary>Milliseconds, or a dash when nothing was measured (a summary of no samples is all zeros, not a latency of zero).</summary>
    public static string Ms(double ms, bool measured) => measured ? ReportFormat.Ms(ms) : "–";

    public static TextTable Steps(ScenarioReport scenario) =>
        new(["step", .. StepHeaders], [.. scenario.Steps.Select(s => (IReadOnlyList<string>)[s.Name, .. StepCells(s)])]);

    /// <summary>Every step's failures by code, with the share of the step's calls each code took.</summary>
    public static TextTable Failures(ScenarioReport scenario) =>
        new(["step", "code", "count", "of calls"],
            [.. scenario.Steps.SelectMany(s => s.FailuresByCode.Select(f =>
                (IReadOnlyList<string>)[s.Name, f.Code, ReportFormat.Count(f.Count), ReportFormat.Percent(f.Count, s.Count)]))],
            TextColumns: 2);

    public static TextTable ConvergenceCounts(ConvergenceReport c) =>
        new(["changes", "converged", "superseded", "ambiguous", "unconverged", "overlapped"],
            [[.. new[] { c.Changes, c.Converged, c.Superseded, c.Ambiguous, c.Unconverged, c.Overlapped }.Select(ReportFormat.Count)]], TextColumns: 0);

    /// <summary>Observed quantiles beside the model's (when it has closed forms) and the harness's lateness (when known).</summary>
    public static TextTable Quantiles(ConvergenceReport c)
    {
        IReadOnlyList<(string Name, Func<LatencySummary, double> Of)> rows =
        [
            ("min", s => s.MinMs), ("mean", s => s.MeanMs), ("p50", s => s.P50Ms), ("p75", s => s.P75Ms),
            ("p95", s => s.P95Ms), ("p99", s => s.P99Ms), ("max", s => s.MaxMs),
        ];
        var columns = new List<(string Header, LatencySummary Summary, bool Measured)> { ("observed ms", c.Observed, c.Converged > 0) };
        if (c.Configured is { } configured)
        {
            columns.Add(("configured ms", configured, true));
        }

        if (c.Lateness is { } lateness)
        {
            columns.Add(("harness lateness ms", lateness, true));
        }

        return new(["", .. columns.Select(k => k.Header)],
            [.. rows.Select(r => (IReadOnlyList<string>)[r.Name, .. columns.Select(k => Ms(r.Of(k.Summary), k.Measured))])]);
    }
}
