using System.Text.RegularExpressions;
using System.Xml.Linq;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Tests;

public sealed partial class ReportTests
{
    private static Task<RunReport> RunAsync() => RunnerTests.RunAsync("""
          - assign: { instance: primary, ips: [10.0.1.50] }
          - expect: { imds: primary, has: 10.0.1.50, within: 10s }
          - reassign: { ip: 10.0.1.50, to: standby }
          - expect: { imds: standby, has: 10.0.1.50, within: 1s }
          - expect: { api: standby, has: 10.0.1.50 }
        """);

    [Fact]
    public async Task JUnit_lists_every_expectation_as_a_test_case_with_failures_marked()
    {
        var report = await RunAsync();

        var suite = XDocument.Parse(JUnitReport.Render(report)).Root!.Element("testsuite")!;

        Assert.Equal(("test", "3", "1"), (suite.Attribute("name")!.Value, suite.Attribute("tests")!.Value, suite.Attribute("failures")!.Value));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["line 21: metadata of primary has 10.0.1.50 within 10s", "line 23: metadata of standby has 10.0.1.50 within 1s", "line 24: API: standby has 10.0.1.50"],
            cases.Select(c => c.Attribute("name")!.Value));
        Assert.Equal([false, true, false], cases.Select(c => c.Element("failure") is not null));
        Assert.StartsWith("still not true after 1s", cases[1].Element("failure")!.Attribute("message")!.Value);
        Assert.Equal("fixed(2s)", suite.Element("properties")!.Elements().Single(p => p.Attribute("name")!.Value == "propagation").Attribute("value")!.Value);
    }

    [Fact]
    public async Task The_html_timeline_is_self_contained_svg_with_a_mark_for_every_change()
    {
        var report = await RunAsync();

        var html = HtmlReport.Render(report);

        Assert.DoesNotMatch(ExternalReference(), html);
        var svg = XElement.Parse(html[html.IndexOf("<svg", StringComparison.Ordinal)..(html.IndexOf("</svg>", StringComparison.Ordinal) + 6)]);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var changes = report.Events.Where(e => e.Kind != "instance-launched").ToList();
        Assert.Equal(3, changes.Count);
        Assert.Equal(changes.Count(e => e.SeenAt is not null) + 1, svg.Descendants(ns + "circle").Count()); // one more in the legend
        Assert.Equal(changes.Count + 1, svg.Descendants(ns + "path").Count());
        Assert.Contains(svg.Descendants(ns + "title"), t => t.Value.StartsWith("private-ipv4s +10.0.1.50", StringComparison.Ordinal));
        Assert.Equal(2, svg.Descendants(ns + "text").Count(t => t.Value.StartsWith('✔')) - 1);
        Assert.Contains("FAILED", html);
    }

    [Fact]
    public async Task Markdown_and_json_carry_the_verdict_and_evidence()
    {
        var report = await RunAsync();
        var directory = Directory.CreateTempSubdirectory("harness-report-").FullName;

        var files = ReportWriter.WriteAll(report, directory);

        Assert.Equal(["report.md", "report.html", "report.json", "junit.xml"], files.Select(f => Path.GetFileName(f.Path)));
        Assert.All(files, f => Assert.Null(f.Error));
        var markdown = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
        Assert.StartsWith("# test: FAILED", markdown);
        Assert.Contains("| ❌ | 23 | metadata of standby has 10.0.1.50 within 1s | 3.000s | still not true after 1s", markdown);
        var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "report.json"))).RootElement;
        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal(3, json.GetProperty("expectations").GetArrayLength());
        Assert.Equal("+10.0.1.50", json.GetProperty("events")[0].GetProperty("detail").GetString());
    }

    [Fact]
    public void Terminal_colours_and_control_characters_from_clients_do_not_break_the_xml()
    {
        Assert.Equal("ok \uFFFDdone\n", ReportText.Printable("\u001b[32mok\u001b[0m \u0001done\n"));
        Assert.Equal("plain\ttext\r\n😀", ReportText.Printable("plain\ttext\r\n😀"));
        Assert.Equal("\uFFFD\uFFFD\uFFFD", ReportText.Printable("\uFFFF\uFFFE\uD800"));
    }

    [GeneratedRegex(@"(src|href)\s*=\s*""(https?:)?//")]
    private static partial Regex ExternalReference();
}
