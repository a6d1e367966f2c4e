using Harness.Load.Engine;

namespace Harness.Load.Ec2Bench;

/// <summary>One measured cell: how many calls, how fast, their latency (from the step's histogram, to 0.8 %), and the first error.</summary>
internal sealed record BenchStats(
    long Requests,
    long Errors,
    double Seconds,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    ErrorSample? FirstError)
{
    /// <summary>
    /// Reads step <paramref name="step"/> of a run's one scenario; <paramref name="extraFailures"/> are failures counted
    /// elsewhere (a copy that threw outside its steps) that belong to this cell.
    /// </summary>
    public static BenchStats Of(LoadRun run, string step, FirstError errors, long extraFailures = 0)
    {
        var stats = run.Scenarios[0].Steps.FirstOrDefault(s => s.Name == step);
        var seconds = run.Elapsed.TotalSeconds;
        var count = stats?.Count ?? 0;
        return new BenchStats(
            count,
            (stats?.Failed ?? 0) + extraFailures,
            Math.Round(seconds, 3),
            count == 0 || seconds <= 0 ? 0 : Math.Round(count / seconds, 1),
            Ms(stats, 0.50),
            Ms(stats, 0.90),
            Ms(stats, 0.99),
            stats is null ? 0 : Math.Round(stats.Latency.Max / 1000.0, 3),
            errors.Sample);
    }

    private static double Ms(StepStats? stats, double q) => stats is null ? 0 : Math.Round(stats.Latency.ValueAt(q) / 1000.0, 3);
}
