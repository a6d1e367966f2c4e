namespace Harness.Load.Reports;

/// <summary>
/// The HTML report's charts: per scenario its throughput and latency over time and its latency distribution (one
/// colour per step), and the time to convergence beside the configured model.
/// </summary>
internal static class LoadCharts
{
    private static readonly string[] Palette = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#546e7a"];

    /// <summary>Ok and failed requests per second in each slot: a solid and a dashed line per step.</summary>
    public static string Throughput(ScenarioReport scenario) =>
        OverTime(scenario, "throughput", "requests per second", ("ok", "failed"),
            s => s.Timeline.Select(p => (p.AtSeconds, Rate(p, p.Ok), Rate(p, p.Failed))));

    /// <summary>Each step's p50 (solid) and p99 (dashed) per slot; a slot without calls has no latency and no point.</summary>
    public static string Latency(ScenarioReport scenario) =>
        OverTime(scenario, "latency over time", "ms", ("p50", "p99"),
            s => s.Timeline.Where(p => p.Ok + p.Failed > 0).Select(p => (p.AtSeconds, p.P50Ms, p.P99Ms)));

    /// <summary>Each step's latency histogram on a log scale, regrouped into bins of equal width on that scale.</summary>
    public static string Distribution(ScenarioReport scenario)
    {
        var x = ChartAxis.Logarithmic("latency (ms, log scale)", scenario.Steps.SelectMany(s => s.Distribution).Where(b => b.Count > 0)
            .SelectMany(b => new[] { b.FromMs > 0 ? b.FromMs : b.ToMs / 2, b.ToMs }));
        var bins = Math.Clamp((int)Math.Round(Math.Log10(x.Max / x.Min)) * 12, 12, 72);
        var shares = scenario.Steps.Select(s => Shares(s.Distribution, x, bins)).ToList();
        var chart = new SvgChart($"{scenario.Name}: latency distribution", x, ChartAxis.Linear("% of calls", shares.SelectMany(s => s), "%"));
        for (var i = 0; i < shares.Count; i++)
        {
            var name = scenario.Steps[i].Name;
            chart.Bars(name, Colour(i), shares[i].Select((share, b) => Bar(x, b, bins, share, $"{name}: {ReportFormat.Number(share, "0.0")} % of calls")));
        }

        return chart.Render();
    }

    /// <summary>
    /// The observed times as a histogram, with the clean samples' CDF and the configured model's CDF on the right axis;
    /// both lines run over the same range (see <c>ConvergenceCdf</c>), so the axis takes it from them.
    /// </summary>
    public static string Convergence(ConvergenceReport c)
    {
        const int bins = 40;
        var x = ChartAxis.Linear("time to convergence (ms)", c.Distribution.Where(b => b.Count > 0).Select(b => b.ToMs)
            .Concat(c.ObservedCdf.Select(p => p.Ms)).Concat(c.ConfiguredCdf.Select(p => p.Ms)));
        var shares = Shares(c.Distribution, x, bins);
        var title = "Time to convergence" + (c.KsDistance is { } ks ? $" (KS distance {ReportFormat.Number(ks, "0.000")})" : "");
        var chart = new SvgChart(title, x, ChartAxis.Linear("% of converged changes", shares, "%"), ChartAxis.Linear("cumulative", [100], "%"));
        chart.Bars($"observed, all {ReportFormat.Count(c.Converged)} converged changes", "#90a4ae", shares.Select((share, b) => Bar(x, b, bins, share, $"{ReportFormat.Number(share, "0.0")} % of converged changes")));
        chart.Line($"observed CDF of the {ReportFormat.Count(c.Clean)} clean changes", "#1565c0", false, c.ObservedCdf.Select(p => (p.Ms, p.P * 100)), onRight: true);
        if (c.ConfiguredCdf.Count > 0)
        {
            chart.Line($"configured CDF{(c.Model is null ? "" : $" {c.Model}")} with the poll wait", "#c62828", true, c.ConfiguredCdf.Select(p => (p.Ms, p.P * 100)), onRight: true);
        }

        return chart.Render();
    }

    private static string Colour(int index) => Palette[index % Palette.Length];

    /// <summary>Two series per step over the run's time, solid and dashed in the step's colour.</summary>
    private static string OverTime(ScenarioReport scenario, string what, string unit, (string Solid, string Dashed) names,
        Func<StepReport, IEnumerable<(double At, double Solid, double Dashed)>> series)
    {
        var points = scenario.Steps.Select(s => series(s).ToList()).ToList();
        var chart = new SvgChart($"{scenario.Name}: {what}",
            ChartAxis.Linear("time (s)", scenario.Steps.SelectMany(s => s.Timeline).Select(p => p.AtSeconds)),
            ChartAxis.Linear(unit, points.SelectMany(p => p).SelectMany(p => new[] { p.Solid, p.Dashed })));
        for (var i = 0; i < points.Count; i++)
        {
            chart.Line($"{scenario.Steps[i].Name} {names.Solid}", Colour(i), false, points[i].Select(p => (p.At, p.Solid)));
            chart.Line($"{scenario.Steps[i].Name} {names.Dashed}", Colour(i), true, points[i].Select(p => (p.At, p.Dashed)));
        }

        return chart.Render();
    }

    /// <summary>The slot's rate shared between ok and failed calls in proportion to their counts.</summary>
    private static double Rate(TimePoint p, long part) => p.Ok + p.Failed == 0 ? 0 : p.RequestsPerSecond * part / (p.Ok + p.Failed);

    private static (double, double, double, string) Bar(ChartAxis x, int bin, int bins, double share, string what)
    {
        var (from, to) = (x.ValueAt((double)bin / bins), x.ValueAt((double)(bin + 1) / bins));
        return (from, to, share, $"{what} from {ReportFormat.Ms(from)} to {ReportFormat.Ms(to)} ms");
    }

    /// <summary>
    /// Percentages of all counts per bin of equal width along <paramref name="axis"/>: each bucket's count is spread
    /// over the bins it overlaps in proportion to the overlap, so buckets finer or coarser than the bins both draw
    /// without gaps or spikes.
    /// </summary>
    private static double[] Shares(IReadOnlyList<DistributionBucket> buckets, ChartAxis axis, int bins)
    {
        var shares = new double[bins];
        var total = (double)buckets.Where(b => b.Count > 0).Sum(b => b.Count);
        foreach (var b in buckets.Where(b => b.Count > 0))
        {
            var from = axis.Fraction(b.FromMs) * bins;
            var to = Math.Max(from, axis.Fraction(b.ToMs) * bins);
            var share = 100 * b.Count / total;
            if (to - from < 1e-9)
            {
                shares[Math.Min(bins - 1, (int)from)] += share;
                continue;
            }

            for (var i = (int)from; i < to && i < bins; i++)
            {
                shares[i] += share * (Math.Min(to, i + 1) - Math.Max(from, i)) / (to - from);
            }
        }

        return shares;
    }
}
