using Harness.Domain.Delays;
using Harness.Load.Engine;
using Harness.Load.Reports;
using Harness.Load.Stats;

namespace Harness.Load.Workloads;

/// <summary>Turns what the engine and the tracker measured into the plain records every report is written from.</summary>
public static class ReportBuilder
{
    /// <summary>The fewest clean samples a KS distance is given for, and below which the report warns that they say little.</summary>
    internal const int MinKsSamples = 30;

    /// <summary>Buckets of a distribution chart: log-spaced, merged from the histogram's finer ones.</summary>
    private const int ChartBuckets = 40;

    public static LoadReport Build(
        string title,
        string command,
        DateTimeOffset startedAt,
        string target,
        int seed,
        IReadOnlyList<LoadScenario> scenarios,
        LoadRun run,
        ConvergenceReport? convergence,
        IReadOnlyList<string> notes)
    {
        var reports = scenarios.Zip(run.Scenarios, (scenario, stats) =>
        {
            var window = Window(scenario, run);
            return new ScenarioReport(
                scenario.Name,
                scenario.Simulations.Select(s => s.ToString()).ToList(),
                scenario.WarmUp.TotalSeconds,
                stats.Started,
                stats.Dropped,
                stats.Steps.Select(step => Step(step, run.Elapsed, window)).ToList());
        }).ToList();
        return new LoadReport(title, command, startedAt, Math.Round(run.Elapsed.TotalSeconds, 3), target, seed, reports, convergence, notes);
    }

    /// <summary>The seconds a scenario's rates are over: its own phases (or as much of them as ran), not the drain or a longer neighbour.</summary>
    internal static double Window(LoadScenario scenario, LoadRun run) =>
        Math.Max(Math.Min(run.Elapsed.TotalSeconds, (scenario.Duration - scenario.WarmUp).TotalSeconds), 1e-9);

    private static StepReport Step(StepStats step, TimeSpan elapsed, double seconds)
    {
        var slotSeconds = step.SlotWidth.TotalSeconds;
        var timeline = step.Timeline(elapsed)
            .Select(p => new TimePoint(
                p.At.TotalSeconds, p.Ok, p.Failed, Math.Round((p.Ok + p.Failed) / slotSeconds, 1), Ms(p.Latency.ValueAt(0.50)), Ms(p.Latency.ValueAt(0.99))))
            .ToList();
        return new StepReport(
            step.Name,
            step.Count,
            step.Ok,
            step.Failed,
            step.FailuresByCode.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new CodeCount(p.Key, p.Value)).ToList(),
            Math.Round(step.Count / seconds, 1),
            Summary(step.Latency),
            timeline,
            Distribution(step.Latency));
    }

    public static ConvergenceReport Convergence(ConvergenceTracker tracker, DelayModel? model, TimeSpan pollInterval)
    {
        var observed = tracker.Observed;
        var samples = tracker.Samples();
        var cdf = model is null ? null : DelayDistribution.Cdf(model);
        double? ks = null;
        // A read shows a change at the first poll after it lands: the model's CDF with a uniform wait of up to one
        // interval added, averaged over the wait.
        var polled = cdf is null ? null : WithPollWait(cdf, pollInterval.TotalSeconds);
        // A handful of clean changes (churn leaves few) says nothing about a distribution: no KS below MinKsSamples.
        if (polled is not null && samples.Length >= MinKsSamples)
        {
            ks = Math.Round(KolmogorovSmirnov.Distance(samples, polled), 4);
        }

        Array.Sort(samples);
        var top = ConvergenceCdf.Top(model, pollInterval.TotalSeconds, samples);
        var observedCdf = ConvergenceCdf.Observed(samples, top);
        var configuredCdf = polled is null ? [] : ConvergenceCdf.Configured(polled, top);

        LatencySummary? configured = null;
        if (model is not null && DelayDistribution.Quantile(model, 0.5) is not null)
        {
            // A model has no maximum to speak of: its "max" is the 99.99th percentile. Beyond the finite mass ("never") is 0.
            double Q(double p) => DelayDistribution.Quantile(model, p) is { } s && double.IsFinite(s) ? Math.Round(s * 1000, 3) : 0;
            configured = new LatencySummary(Q(0), Mean(model), Q(0.50), Q(0.75), Q(0.95), Q(0.99), Q(0.9999));
        }

        return new ConvergenceReport(
            model?.ToString(),
            pollInterval.TotalMilliseconds,
            tracker.Changes,
            tracker.Converged,
            tracker.Superseded,
            tracker.Unconverged,
            tracker.Overlapped,
            Summary(observed),
            configured,
            ks,
            Distribution(observed),
            observedCdf,
            configuredCdf,
            Ambiguous: tracker.Ambiguous,
            Clean: samples.Length);
    }

    /// <summary>The CDF of a draw from <paramref name="cdf"/> plus a uniform wait in [0, <paramref name="interval"/>) seconds.</summary>
    internal static Func<double, double> WithPollWait(Func<double, double> cdf, double interval)
    {
        const int Points = 32;
        return interval <= 0 ? cdf : x =>
        {
            var sum = 0.0;
            for (var i = 0; i < Points; i++)
            {
                sum += cdf(x - ((i + 0.5) * interval / Points));
            }

            return sum / Points;
        };
    }

    /// <summary>The model's mean in milliseconds, by numeric integration of 1 - CDF up to its 99.99th percentile (0 when unknown).</summary>
    private static double Mean(DelayModel model)
    {
        if (DelayDistribution.Cdf(model) is not { } cdf || DelayDistribution.Quantile(model, 0.9999) is not { } top || top <= 0)
        {
            return 0;
        }

        const int Steps = 4000;
        var sum = 0.0;
        for (var i = 0; i < Steps; i++)
        {
            var x = (i + 0.5) * top / Steps;
            sum += (1 - cdf(x)) * top / Steps;
        }

        return Math.Round(sum * 1000, 3);
    }

    internal static LatencySummary Summary(Histogram h) => new(
        Ms(h.Min), Math.Round(h.Mean / 1000, 3), Ms(h.ValueAt(0.50)), Ms(h.ValueAt(0.75)), Ms(h.ValueAt(0.95)), Ms(h.ValueAt(0.99)), Ms(h.Max));

    /// <summary>The histogram's buckets merged into at most <see cref="ChartBuckets"/> log-spaced ones between its min and max.</summary>
    private static List<DistributionBucket> Distribution(Histogram h)
    {
        if (h.Count == 0)
        {
            return [];
        }

        var low = Math.Max(1, h.Min);
        var high = Math.Max(low + 1, h.Max + 1);
        var ratio = Math.Pow((double)high / low, 1.0 / ChartBuckets);
        var edges = Enumerable.Range(0, ChartBuckets + 1).Select(i => low * Math.Pow(ratio, i)).ToArray();
        var counts = new long[ChartBuckets];
        foreach (var (lower, width, count) in h.Buckets())
        {
            var middle = lower + (width / 2.0);
            var index = Array.BinarySearch(edges, middle);
            index = index >= 0 ? index : ~index - 1;
            counts[Math.Clamp(index, 0, ChartBuckets - 1)] += count;
        }

        return counts.Select((c, i) => new DistributionBucket(Math.Round(edges[i] / 1000, 3), Math.Round(edges[i + 1] / 1000, 3), c))
            .Where(b => b.Count > 0)
            .ToList();
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
