using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

public sealed class ConsoleTableTests
{
    [Fact]
    public void Write_FullReport_AlignsARowPerScenarioAndStepWithFailuresUnderIt()
    {
        var lines = Write(SampleReports.Full());

        var header = lines.FindIndex(l => l.StartsWith("scenario / step", StringComparison.Ordinal));
        var rows = lines.Skip(header).Where(l => l.StartsWith("scenario / step", StringComparison.Ordinal) || l.Contains(" / ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Single(rows.Select(r => r.Length).Distinct());
        Assert.EndsWith("p99 ms  max ms", rows[0]);
        Assert.Matches(@"^churn / assign-private-ip +800 +770 +30 +190\.5 +0\.840 +3\.41 +2\.87 +3\.95 +7\.12 +18\.44 +41\.90$", rows[1]);
        Assert.Equal("  failed: InvalidParameterValue × 18, RequestLimitExceeded × 12", lines[lines.IndexOf(rows[1]) + 1]);
        Assert.Contains("  pollers: 3 copies dropped (too many in flight)", lines);
    }

    [Fact]
    public void Write_WithConvergence_ShowsCountsQuantilesAndKsDistance()
    {
        var lines = Write(SampleReports.Full());

        var start = lines.IndexOf("convergence: model lognormal(median=800ms,sigma=0.5), polled every 50 ms");
        Assert.True(start > 0);
        Assert.Equal("  changes 400, converged 380, superseded 12, ambiguous 0, unconverged 3, overlapped 5", lines[start + 1]);
        Assert.Matches(@"^ +p50 ms +p95 ms +p99 ms +max ms$", lines[start + 2]);
        Assert.Matches(@"^  observed +830\.0 +1710\.0 +2150\.0 +3120\.0$", lines[start + 3]);
        Assert.Matches(@"^  configured +800\.0 +1821\.9 +2560\.2 +∞$", lines[start + 4]);
        Assert.Equal("  KS distance 0.042", lines[start + 5]);
    }

    [Fact]
    public void Write_SparseReport_SaysWhatDidNotRunWithoutNaN()
    {
        var lines = Write(SampleReports.Sparse());

        Assert.Contains("  idle: no calls", lines);
        Assert.Contains("convergence: model unknown, polled every 0 ms", lines);
        Assert.Matches(@"^quiet / never +0 +0 +0 +0\.0( +–){7}$", lines.Single(l => l.StartsWith("quiet / never", StringComparison.Ordinal)));
        Assert.Matches(@"^  observed( +–){4}$", lines.Single(l => l.StartsWith("  observed", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("NaN", StringComparison.Ordinal) || l.Contains("KS", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_HeadedReport_OpensWithTheWarningThenTheHeadlineAndShowsSetUpTime()
    {
        var lines = Write(SampleReports.Headed());

        Assert.Contains("set-up 16.9 s · run 4.2 s", lines[1]);
        Assert.Equal("WARNING: Only 4 of 400 changes gave a clean convergence sample.", lines[3]);
        Assert.Equal(SampleReports.Headed().Headline, lines[4..7]);
        Assert.True(lines.FindIndex(l => l.StartsWith("scenario / step", StringComparison.Ordinal)) > 7);
        Assert.DoesNotContain(Write(SampleReports.Full()), l => l.StartsWith("WARNING", StringComparison.Ordinal));
    }

    private static List<string> Write(LoadReport report)
    {
        using var output = new StringWriter { NewLine = "\n" };
        ConsoleTable.Write(report, output);
        return [.. output.ToString().Split('\n')];
    }
}
