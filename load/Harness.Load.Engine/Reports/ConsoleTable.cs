namespace Harness.Load.Reports;

/// <summary>The report as plain text for a terminal: one aligned row per scenario and step, then convergence.</summary>
public static class ConsoleTable
{
    /// <summary>
    /// Writes a row per scenario and step (counts, rate and latency quantiles in milliseconds) with the step's
    /// failures by code under it, then the convergence block when the run measured convergence.
    /// </summary>
    public static void Write(LoadReport report, TextWriter output)
    {
        output.WriteLine(report.Title);
        output.WriteLine($"{report.Command} · {report.Target} · started {ReportFormat.Instant(report.StartedAt)} · "
            + $"set-up {ReportFormat.Seconds(report.SetUpSeconds)} · run {ReportFormat.Seconds(report.DurationSeconds)} · seed {report.Seed}");
        output.WriteLine();
        foreach (var warning in report.Warnings)
        {
            output.WriteLine($"WARNING: {warning}");
        }

        foreach (var line in report.Headline)
        {
            output.WriteLine(line);
        }

        if (report.Warnings.Count + report.Headline.Count > 0)
        {
            output.WriteLine();
        }

        var rows = new List<(IReadOnlyList<string> Cells, IReadOnlyList<string> Under)>();
        foreach (var scenario in report.Scenarios)
        {
            foreach (var step in scenario.Steps)
            {
                var failures = step.FailuresByCode.Count == 0
                    ? []
                    : new[] { "  failed: " + string.Join(", ", step.FailuresByCode.Select(f => $"{f.Code} × {ReportFormat.Count(f.Count)}")) };
                rows.Add(([$"{scenario.Name} / {step.Name}", .. ReportTables.StepCells(step)], failures));
            }

            List<string> notes = scenario.Steps.Count == 0 ? [$"  {scenario.Name}: no calls"] : [];
            if (scenario.Dropped > 0)
            {
                notes.Add($"  {scenario.Name}: {ReportFormat.Count(scenario.Dropped)} copies dropped (too many in flight)");
            }

            if (notes.Count > 0)
            {
                rows.Add(([], notes));
            }
        }

        WriteAligned(output, new TextTable(["scenario / step", .. ReportTables.StepHeaders], [.. rows.Select(r => r.Cells)]), [.. rows.Select(r => r.Under)]);
        if (report.Convergence is { } c)
        {
            output.WriteLine();
            output.WriteLine($"convergence: model {c.Model ?? "unknown"}, polled every {ReportFormat.Number(c.PollIntervalMs, "0.###")} ms");
            output.WriteLine($"  changes {c.Changes}, converged {c.Converged}, superseded {c.Superseded}, ambiguous {c.Ambiguous}, unconverged {c.Unconverged}, overlapped {c.Overlapped}");
            var quantiles = new List<IReadOnlyList<string>> { Quantiles("  observed", c.Observed, c.Converged > 0) };
            if (c.Configured is { } configured)
            {
                quantiles.Add(Quantiles("  configured", configured));
            }

            if (c.Lateness is { } lateness)
            {
                quantiles.Add(Quantiles("  harness lateness", lateness));
            }

            WriteAligned(output, new TextTable(["", "p50 ms", "p95 ms", "p99 ms", "max ms"], quantiles), []);
            if (c.KsDistance is { } ks)
            {
                output.WriteLine($"  KS distance {ReportFormat.Number(ks, "0.000")}");
            }
        }
    }

    private static IReadOnlyList<string> Quantiles(string name, LatencySummary s, bool measured = true) =>
        [name, .. new[] { s.P50Ms, s.P95Ms, s.P99Ms, s.MaxMs }.Select(ms => ReportTables.Ms(ms, measured))];

    /// <summary>Text columns padded on the right, numbers on the left; each row's <paramref name="under"/> lines follow it as they are.</summary>
    private static void WriteAligned(TextWriter output, TextTable table, IReadOnlyList<IReadOnlyList<string>> under)
    {
        var all = table.Rows.Prepend(table.Headers).ToList();
        var widths = Enumerable.Range(0, table.Headers.Count).Select(i => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        for (var r = 0; r < all.Count; r++)
        {
            if (all[r].Count > 0)
            {
                output.WriteLine(string.Join("  ", all[r].Select((cell, i) => i < table.TextColumns ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
            }

            foreach (var line in r > 0 && r - 1 < under.Count ? under[r - 1] : [])
            {
                output.WriteLine(line);
            }
        }
    }
}
