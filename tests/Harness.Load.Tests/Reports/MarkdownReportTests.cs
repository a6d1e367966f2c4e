using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

public sealed class MarkdownReportTests
{
    [Fact]
    public void Render_HeadedReport_OpensWithTheWarningThenTheHeadlineAndShowsSetUpTime()
    {
        var markdown = MarkdownReport.Render(SampleReports.Headed());

        Assert.StartsWith("# IMDS under churn\n\n> **Warning:** Only 4 of 400 changes gave a clean convergence sample.\n\n"
            + "Ran churn (inject(rate=200,during=4s)) against 10 instances.\n\n", markdown);
        Assert.True(markdown.IndexOf("Convergence: 380 of 400", StringComparison.Ordinal) < markdown.IndexOf("- command:", StringComparison.Ordinal));
        Assert.Contains("- set-up: 16.9 s", markdown);
        Assert.DoesNotContain("Warning", MarkdownReport.Render(SampleReports.Full()), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FullReport_HasARowPerStepWithItsP99()
    {
        var markdown = MarkdownReport.Render(SampleReports.Full());

        Assert.StartsWith("# IMDS under churn\n", markdown);
        Assert.Contains("- command: `harness-load churn --rate 200 --during 4s --seed 42`", markdown);
        Assert.Contains("- started: 2025-03-14 09:26:53Z", markdown);
        Assert.Contains("| step | count | ok | failed | rps | min ms | mean ms | p50 ms | p75 ms | p95 ms | p99 ms | max ms |\n|---|---:|", markdown);
        Assert.Contains("| assign-private-ip | 800 | 770 | 30 | 190.5 | 0.840 | 3.41 | 2.87 | 3.95 | 7.12 | 18.44 | 41.90 |\n", markdown);
        Assert.Contains(" 22.61 | 55.00 |\n", Line(markdown, "| describe-instances, filtered |"));
        Assert.Contains(" 4.05 | 120.4 |\n", Line(markdown, "| read-local-ipv4s |"));
    }

    [Fact]
    public void Render_FullReport_ListsFailuresByCodeUnderTheirScenario()
    {
        var markdown = MarkdownReport.Render(SampleReports.Full());

        var churn = markdown[markdown.IndexOf("## Scenario churn", StringComparison.Ordinal)..markdown.IndexOf("## Scenario pollers", StringComparison.Ordinal)];
        Assert.Contains("### Failures by code\n\n| step | code | count | of calls |", churn);
        Assert.Contains("| assign-private-ip | RequestLimitExceeded | 12 | 1.5 % |", churn);
        Assert.Contains("| assign-private-ip | InvalidParameterValue | 18 |", churn);
        Assert.Contains("| read-local-ipv4s | HttpRequestException | 10 | 0.3 % |", markdown);
    }

    [Fact]
    public void Render_WithConvergence_ShowsObservedBesideConfiguredAndTheKsDistance()
    {
        var markdown = MarkdownReport.Render(SampleReports.Full());

        var convergence = markdown[markdown.IndexOf("## Convergence", StringComparison.Ordinal)..];
        Assert.Contains("`lognormal(median=800ms,sigma=0.5)`", convergence);
        Assert.Contains("| 400 | 380 | 12 | 0 | 3 | 5 |", convergence);
        Assert.Contains("|  | observed ms | configured ms |", convergence);
        Assert.Contains("| p99 | 2150.0 | 2560.2 |", convergence);
        Assert.Contains("| max | 3120.0 | ∞ |", convergence);
        Assert.Contains("Kolmogorov–Smirnov distance from the model with the wait for the next poll added (changes that had their instance to themselves): 0.042", convergence);
        Assert.Contains("## Notes\n\n- Warm-up calls are not counted.\n", convergence);
    }

    [Fact]
    public void Render_CellsWithPipesAndLineBreaks_StayInTheirCell()
    {
        var report = SampleReports.Full();
        var churn = report.Scenarios[0];
        report = report with { Scenarios = [churn with { Steps = [churn.Steps[0] with { Name = "a|b\nc" }] }] };

        var markdown = MarkdownReport.Render(report);

        Assert.Contains("| a\\|b c | 800 |", markdown);
    }

    [Fact]
    public void Render_SparseAndEmptyReports_HaveNoNaN()
    {
        var sparse = MarkdownReport.Render(SampleReports.Sparse());
        var empty = MarkdownReport.Render(SampleReports.Empty());

        Assert.Contains("## Scenario idle\n\nLoad none; warm-up 0.0 s; 0 copies, 0 dropped.\n\nNo calls were made.", sparse);
        Assert.Contains("| never | 0 | 0 | 0 | 0.0 | – | – | – | – | – | – | – |", sparse);
        Assert.Contains("| p99 | – |", sparse);
        Assert.Contains("the model is unknown", sparse);
        Assert.DoesNotContain("NaN", sparse + empty);
        Assert.DoesNotContain("## Notes", empty);
    }

    private static string Line(string text, string start)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no line starts with {start}");
        return text[from..(text.IndexOf('\n', from) + 1)];
    }
}
