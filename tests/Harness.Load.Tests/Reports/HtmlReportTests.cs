using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

public sealed partial class HtmlReportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Render_FullReport_IsWellFormedAndSelfContained()
    {
        var html = HtmlReport.Render(SampleReports.Full());

        var document = XDocument.Parse(html);
        Assert.Equal("IMDS under churn", document.Root!.Element("head")!.Element("title")!.Value);
        Assert.Equal(Regex.Count(html, "<svg[ >]"), Regex.Count(html, "</svg>"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);
    }

    [Fact]
    public void Render_FullReport_DrawsThreeChartsPerScenarioAndOneForConvergence()
    {
        var charts = Charts(HtmlReport.Render(SampleReports.Full()));

        Assert.Equal(
            ["churn: throughput", "churn: latency over time", "churn: latency distribution",
             "pollers: throughput", "pollers: latency over time", "pollers: latency distribution", "Time to convergence (KS distance 0.042)"],
            charts.Select(c => c.Attribute("aria-label")!.Value));
        foreach (var i in new[] { 0, 1, 3, 4 })
        {
            var steps = i < 3 ? 2 : 1;
            Assert.Equal(2 * steps, charts[i].Descendants(Svg + "polyline").Count());
            Assert.All(charts[i].Descendants(Svg + "polyline"), p => Assert.Equal(4, Points(p).Count));
        }

        Assert.All(new[] { charts[2], charts[5], charts[6] }, c => Assert.NotEmpty(Bars(c)));
        Assert.Equal(["observed CDF of the 375 clean changes", "configured CDF lognormal(median=800ms,sigma=0.5) with the poll wait"], charts[6].Descendants(Svg + "polyline").Select(p => p.Value));
        Assert.All(charts, c => Assert.True(c.Descendants(Svg + "text").Count(t => char.IsAsciiDigit(t.Value[0])) >= 6, "tick labels"));
    }

    [Fact]
    public void Render_FullReport_BarsOfEachDistributionAddUpToAllCalls()
    {
        var charts = Charts(HtmlReport.Render(SampleReports.Full()));

        var shares = Bars(charts[5]).Select(b => double.Parse(b.Value.Split(' ')[1], CultureInfo.InvariantCulture)).Sum();
        Assert.InRange(shares, 99, 101);
        var convergence = Bars(charts[6]).Select(b => double.Parse(b.Value.Split(' ')[0], CultureInfo.InvariantCulture)).Sum();
        Assert.InRange(convergence, 99, 101);
    }

    [Fact]
    public void Render_FullReport_KeepsEveryPointInsideTheChart()
    {
        var charts = Charts(HtmlReport.Render(SampleReports.Full()));

        foreach (var chart in charts)
        {
            var width = double.Parse(chart.Attribute("width")!.Value, CultureInfo.InvariantCulture);
            var height = double.Parse(chart.Attribute("height")!.Value, CultureInfo.InvariantCulture);
            Assert.All(chart.Descendants(Svg + "polyline").SelectMany(Points), p =>
            {
                Assert.InRange(p.X, 0, width);
                Assert.InRange(p.Y, 0, height);
            });
        }
    }

    [Fact]
    public void Render_MarkupInNames_IsEscaped()
    {
        var report = SampleReports.Full();
        var churn = report.Scenarios[0];
        report = report with
        {
            Title = "a <i>title</i>",
            Scenarios = [churn with { Steps = [churn.Steps[0] with { Name = "<b>&x" }, churn.Steps[1]] }],
            Notes = ["\u0001bell & <br>"],
        };

        var html = HtmlReport.Render(report);

        Assert.Contains("<td>&lt;b&gt;&amp;x</td>", html);
        Assert.Contains("<title>&lt;b&gt;&amp;x ok</title>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<br>", html);
        Assert.Contains("<h1>a &lt;i&gt;title&lt;/i&gt;</h1>", html);
        Assert.Equal("\uFFFDbell & <br>", XDocument.Parse(html).Descendants("li").Single().Value);
    }

    [Fact]
    public void Render_SparseReport_DrawsEmptyAndSinglePointChartsWithoutNaN()
    {
        var html = HtmlReport.Render(SampleReports.Sparse());

        XDocument.Parse(html);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
        Assert.Contains("No calls were made.", html);
        var charts = Charts(html);
        Assert.Equal(4, charts.Count);
        Assert.Single(charts[0].Descendants(Svg + "circle"), c => c.Value == "once ok");
        Assert.Single(Bars(charts[2]));
        Assert.Contains(charts[3].Descendants(Svg + "text"), t => t.Value == "no data");
    }

    [Fact]
    public void Render_EmptyReport_HasNoChartsAndNoNaN()
    {
        var html = HtmlReport.Render(SampleReports.Empty());

        Assert.Empty(XDocument.Parse(html).Descendants(Svg + "svg"));
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    [Fact]
    public void Render_NonFiniteNumbers_DrawNoNaN()
    {
        var report = SampleReports.Full();
        var pollers = report.Scenarios[1];
        var step = pollers.Steps[0];
        report = report with
        {
            Scenarios = [pollers with { Steps = [step with
            {
                RequestsPerSecond = double.NaN,
                Timeline = [.. step.Timeline.Select(p => p with { RequestsPerSecond = double.PositiveInfinity, P99Ms = double.NaN })],
                Distribution = [.. step.Distribution, new DistributionBucket(0, double.PositiveInfinity, 5)],
            }] }],
        };

        var html = HtmlReport.Render(report);

        XDocument.Parse(html);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    [Fact]
    public void Render_HeadedReport_OpensWithTheWarningThenTheHeadlineAndShowsSetUpTime()
    {
        var body = XDocument.Parse(HtmlReport.Render(SampleReports.Headed())).Root!.Element("body")!.Elements().ToList();

        Assert.Equal("h1", body[0].Name.LocalName);
        Assert.Equal("warning", body[1].Attribute("class")?.Value);
        Assert.Equal("Warning: Only 4 of 400 changes gave a clean convergence sample.", body[1].Value);
        Assert.Equal(SampleReports.Headed().Headline, body.Skip(2).Take(3).Select(p => p.Value));
        Assert.Contains(body, e => e.Name.LocalName == "table" && e.Value.Contains("set-up16.9 s", StringComparison.Ordinal));
        Assert.DoesNotContain("class=\"warning\"", HtmlReport.Render(SampleReports.Full()), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ConvergenceOfOneCleanSample_DrawsTwoDistinctNonDegenerateLines()
    {
        var model = Harness.Domain.Delays.DelaySpec.Parse("lognormal(median=2s,p99=20s)");
        var samples = new[] { 0.78 };
        var top = Harness.Load.Workloads.ConvergenceCdf.Top(model, 1, samples);
        var configured = Harness.Load.Workloads.ConvergenceCdf.Configured(
            Harness.Load.Workloads.ReportBuilder.WithPollWait(Harness.Load.Stats.DelayDistribution.Cdf(model)!, 1), top);
        var convergence = SampleReports.Full().Convergence! with
        {
            Converged = 1, Clean = 1, KsDistance = null,
            Distribution = [new(779, 781, 1)],
            ObservedCdf = Harness.Load.Workloads.ConvergenceCdf.Observed(samples, top),
            ConfiguredCdf = configured,
        };

        var chart = Charts(HtmlReport.Render(SampleReports.Full() with { Convergence = convergence }))[^1];

        var lines = chart.Descendants(Svg + "polyline").Select(Points).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.True(line.Select(p => p.X).Distinct().Count() >= 3, "a line spread along x");
            Assert.True(line.Max(p => p.Y) - line.Min(p => p.Y) > 150, "a line rising through most of the plot's height");
        });
        Assert.NotEqual(lines[0], lines[1]);
        // Both lines end at the same right-hand edge: the shared range.
        Assert.Equal(lines[0].Max(p => p.X), lines[1].Max(p => p.X), 0.5);
    }

    private static List<XElement> Charts(string html) => [.. XDocument.Parse(html).Descendants(Svg + "svg")];

    /// <summary>The data bars: rects with a tooltip (the legend's swatches have none).</summary>
    private static IEnumerable<XElement> Bars(XElement chart) => chart.Descendants(Svg + "rect").Where(r => r.Element(Svg + "title") is not null);

    private static List<(double X, double Y)> Points(XElement polyline) =>
        [.. polyline.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"(src|href)\s*=|url\(|@import")]
    private static partial Regex ExternalReference();
}
