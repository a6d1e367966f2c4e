using Harness.Load.Reports;
using Harness.Load.Tests.Reports;
using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

public sealed class RunHeadlineTests
{
    /// <summary>The churn the issue reported: 1,000 changes, 4 of them clean.</summary>
    private static ConvergenceReport Churned(long clean) => SampleReports.Full().Convergence! with
    {
        Changes = 1000, Converged = clean + 6, Superseded = 742, Ambiguous = 224, Overlapped = 6, Unconverged = 1000 - 742 - 224 - clean - 6,
        Clean = clean, KsDistance = null,
    };

    [Fact]
    public void Warnings_FewCleanSamples_SayHowManyAndPointToPollersOrALowerRate()
    {
        var warning = Assert.Single(RunHeadline.Warnings(Churned(4)));

        Assert.StartsWith("Only 4 of 1000 changes gave a clean convergence sample (fewer than 30): 742 were superseded, 224 ambiguous", warning);
        Assert.Contains("pollers workload", warning);
        Assert.Contains("lower --rate", warning);
        Assert.Contains("shorter --poll-interval", warning);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(500)]
    public void Warnings_EnoughCleanSamples_AreNone(long clean) => Assert.Empty(RunHeadline.Warnings(Churned(clean)));

    [Fact]
    public void Warnings_NoConvergenceMeasured_AreNone() => Assert.Empty(RunHeadline.Warnings(null));

    [Fact]
    public void Lines_AKeptUpRun_SayWhatRanThatItKeptUpAndHowConvergenceCompared()
    {
        var report = SampleReports.Full() with { SetUpSeconds = 16.9 };
        var plan = Plan(("rate", "200"), ("duration", "4s"), ("poll-interval", "50ms"));
        var clean = report with { Scenarios = [.. report.Scenarios.Select(s => s with { Dropped = 0, Steps = [.. s.Steps.Select(t => t with { Failed = 0 })] })] };

        var lines = RunHeadline.Lines(clean, plan, "10 m5.xlarge instances", [4, 4], busy: 0);

        Assert.Equal(3, lines.Count);
        Assert.Equal("Ran churn (inject(rate=200,during=4s), 4.0 s measured) against 10 m5.xlarge instances; pollers read each instance every 50ms; set-up took 16.9 s.", lines[0]);
        Assert.StartsWith("Kept up: churn offered 200.0/s and started 200.0/s (0 dropped), 0 of 1600 calls failed; pollers offered 12.5/s", lines[1]);
        Assert.StartsWith("Convergence: 380 of 400 changes converged, 375 of them clean (12 superseded, 0 ambiguous, 5 overlapped, 3 unconverged); "
            + "observed p50 830.0 ms, p99 2150.0 ms against the configured median 800.0 ms, p99 2560.2 ms", lines[2]);
        Assert.EndsWith("KS distance 0.042.", lines[2]);
    }

    [Fact]
    public void Lines_DroppedCopiesFailuresAndBusyCopies_SayItDidNotKeepUpAndWhy()
    {
        var report = SampleReports.Full() with { Convergence = null };

        var lines = RunHeadline.Lines(report, Plan(("rate", "200"), ("duration", "4s")), "10 instances", [4, 4], busy: 7);

        Assert.StartsWith("Did not keep up (churn had failures; the pollers fell behind; pollers had failures; the address pool was too small for the rate): ", lines[1]);
        Assert.Contains("pollers offered 13.3/s and started 12.5/s (3 dropped), 10 of 4000 calls failed", lines[1]);
        Assert.Contains("7 churn copies found every address busy", lines[1]);
        Assert.Equal("Convergence was not measured (nothing polled metadata).", lines[2]);
    }

    private static LoadPlan Plan(params (string Name, string Value)[] options)
    {
        Assert.True(LoadPlanReader.TryRead("churn", options.ToDictionary(o => o.Name, o => o.Value, StringComparer.Ordinal), out var plan, out var problem), problem);
        return plan;
    }
}
