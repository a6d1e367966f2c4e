using Harness.Domain.Delays;
using Harness.Load.Reports;
using Harness.Load.Stats;

namespace Harness.Load.Workloads;

/// <summary>
/// The convergence chart's two CDF lines over one shared range, from 0 to past both the model's body (its p99 plus a
/// poll interval) and the slowest clean sample, so that neither line is cut off or squeezed into a point.
/// </summary>
internal static class ConvergenceCdf
{
    /// <summary>Steps of the observed line (at most) and points of the configured one.</summary>
    private const int Points = 100;

    /// <summary>Room past the range's top so a line that reaches 1 there is seen to level off.</summary>
    private const double Margin = 1.05;

    /// <summary>
    /// The range's top in seconds: the model's p99 plus one poll interval (the most a poll adds), or the slowest clean
    /// sample if later; a model without a p99 (<c>never</c>) leaves the samples and the interval alone to decide.
    /// </summary>
    public static double Top(DelayModel? model, double pollSeconds, IReadOnlyCollection<double> samples)
    {
        var body = model is null ? 0 : DelayDistribution.Quantile(model, 0.99) is { } p99 && double.IsFinite(p99) ? p99 + pollSeconds : 0;
        var slowest = samples.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var top = Math.Max(Math.Max(body, slowest), pollSeconds);
        return (top > 0 ? top : 0.001) * Margin;
    }

    /// <summary>
    /// The empirical CDF of <paramref name="sorted"/> (seconds, ascending) as a staircase: 0 from the origin to the first
    /// sample, a rise at each of up to <see cref="Points"/> quantiles, and 1 on to <paramref name="top"/>. A single
    /// sample is a step, not a vertical line alone.
    /// </summary>
    public static List<CdfPoint> Observed(double[] sorted, double top)
    {
        if (sorted.Length == 0)
        {
            return [];
        }

        var steps = Math.Min(sorted.Length, Points);
        var line = new List<CdfPoint> { new(0, 0) };
        var before = 0.0;
        for (var i = 1; i <= steps; i++)
        {
            var p = (double)i / steps;
            var x = Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
            line.Add(new(x, before));
            line.Add(new(x, Math.Round(p, 5)));
            before = Math.Round(p, 5);
        }

        line.Add(new(Math.Max(Ms(top), line[^1].Ms), 1));
        return line;
    }

    /// <summary>The model's CDF (with the wait for the next poll) at <see cref="Points"/> + 1 evenly spaced times from 0 to <paramref name="top"/>.</summary>
    public static List<CdfPoint> Configured(Func<double, double> cdf, double top) =>
        Enumerable.Range(0, Points + 1)
            .Select(i => top * i / Points)
            .Select(x => new CdfPoint(Ms(x), Math.Round(Math.Clamp(cdf(x), 0, 1), 5)))
            .ToList();

    private static double Ms(double seconds) => Math.Round(seconds * 1000, 3);
}
