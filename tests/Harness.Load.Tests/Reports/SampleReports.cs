using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

/// <summary>Reports built by hand with the numbers a real run gives: two scenarios, failures, a timeline and convergence.</summary>
internal static class SampleReports
{
    public static LoadReport Full() => new(
        "IMDS under churn",
        "harness-load churn --rate 200 --during 4s --seed 42",
        new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero),
        4.2,
        "http://127.0.0.1:5000",
        42,
        [
            new ScenarioReport("churn", ["inject(rate=200,during=4s)"], 1, 800, 0,
            [
                Step("assign-private-ip", 800, 770, [new("InvalidParameterValue", 18), new("RequestLimitExceeded", 12)], 190.5,
                    new LatencySummary(0.84, 3.41, 2.87, 3.95, 7.12, 18.44, 41.9)),
                Step("describe-instances, filtered", 800, 800, [], 200.25, new LatencySummary(1.02, 4.2, 3.6, 4.7, 9.3, 22.61, 55.0)),
            ]),
            new ScenarioReport("pollers", ["ramp(from=0,to=50,during=2s)", "keep(copies=50,during=2s)"], 0, 50, 3,
            [
                Step("read-local-ipv4s", 4000, 3990, [new("HttpRequestException", 10)], 1000, new LatencySummary(0.31, 0.96, 0.88, 1.1, 1.9, 4.05, 120.4)),
            ]),
        ],
        new ConvergenceReport(
            "lognormal(median=800ms,sigma=0.5)", 50, 400, 380, 12, 3, 5,
            new LatencySummary(210, 905.3, 830, 1090, 1710, 2150, 3120),
            new LatencySummary(0, 906.5, 800, 1120.3, 1821.9, 2560.2, double.PositiveInfinity),
            0.042,
            [new(0, 500, 60), new(500, 1000, 180), new(1000, 1500, 90), new(1500, 2000, 35), new(2000, 3500, 15)],
            [new(210, 0), new(500, 0.16), new(1000, 0.63), new(1500, 0.87), new(2000, 0.96), new(3120, 1)],
            [new(0, 0), new(500, 0.17), new(1000, 0.67), new(1500, 0.89), new(2000, 0.96), new(3120, 0.99)],
            Clean: 375),
        ["Warm-up calls are not counted.", "One host ran both the harness & the load."]);

    /// <summary>The full report as a run hands it over: with its headline, a warning and its set-up time.</summary>
    public static LoadReport Headed() => Full() with
    {
        Headline = ["Ran churn (inject(rate=200,during=4s)) against 10 instances.", "Kept up: churn offered 200.0/s.", "Convergence: 380 of 400 changes converged."],
        Warnings = ["Only 4 of 400 changes gave a clean convergence sample."],
        SetUpSeconds = 16.9,
    };

    /// <summary>Nothing measured at all.</summary>
    public static LoadReport Empty() => new("empty", "harness-load churn", DateTimeOffset.UnixEpoch, 0, "", 0, [], null, []);

    /// <summary>The awkward shapes: a scenario without steps, a step without calls, and a step with a single slot.</summary>
    public static LoadReport Sparse() => Empty() with
    {
        Scenarios =
        [
            new ScenarioReport("idle", [], 0, 0, 0, []),
            new ScenarioReport("quiet", ["pause(1s)"], 0, 0, 0,
            [
                new StepReport("never", 0, 0, 0, [], 0, new LatencySummary(0, 0, 0, 0, 0, 0, 0), [new(1, 0, 0, 0, 0, 0)], []),
                new StepReport("once", 1, 1, 0, [], 1, new LatencySummary(2, 2, 2, 2, 2, 2, 2), [new(1, 1, 0, 1, 2, 2)], [new(1.992, 2.008, 1)]),
            ]),
        ],
        Convergence = new ConvergenceReport(null, 0, 0, 0, 0, 0, 0, new LatencySummary(0, 0, 0, 0, 0, 0, 0), null, null, [], [], []),
    };

    /// <summary>A step with four one-second slots and a latency histogram around its quantiles.</summary>
    private static StepReport Step(string name, long count, long ok, IReadOnlyList<CodeCount> failures, double rps, LatencySummary latency)
    {
        var failed = count - ok;
        var timeline = Enumerable.Range(1, 4).Select(s => new TimePoint(s, ok / 4, failed / 4, count / 4.0, latency.P50Ms * (1 + (0.1 * s)), latency.P99Ms * (1 + (0.05 * s)))).ToList();
        var distribution = new DistributionBucket[]
        {
            new(latency.MinMs, latency.MinMs * 1.1, count / 50),
            new(latency.P50Ms * 0.8, latency.P50Ms, count / 3),
            new(latency.P50Ms, latency.P75Ms, count / 3),
            new(latency.P75Ms, latency.P95Ms, count / 5),
            new(latency.P95Ms, latency.P99Ms, count / 25),
            new(latency.P99Ms, latency.MaxMs, count / 100),
        };
        return new StepReport(name, count, ok, failed, failures, rps, latency, timeline, distribution);
    }
}
