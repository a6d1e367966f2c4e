using System.Globalization;
using System.Xml.Linq;

namespace Harness.Scenarios.Reports;

/// <summary>JUnit XML: one test case per expectation (and one for the run itself when a step failed), so CI lists each verdict.</summary>
public static class JUnitReport
{
    public static string Render(RunReport report)
    {
        var cases = report.Expectations.Select(e => Case(report, $"line {e.Line}: {e.Description}", e.At, e.Passed ? null : e.Evidence, e.Evidence)).ToList();
        if (report.Error is { } error)
        {
            cases.Insert(0, Case(report, "run", report.Duration, error, null));
        }

        var suite = new XElement("testsuite",
            new XAttribute("name", report.Scenario),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", report.Failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(report.Duration)),
            new XAttribute("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XElement("properties",
                Property("seed", report.Seed.ToString(CultureInfo.InvariantCulture)),
                Property("clock", report.Clock),
                Property("propagation", report.Propagation),
                Property("target", report.Target)),
            cases,
            new XElement("system-out", ReportText.Printable(string.Join("\n", report.Clients.Select(c => $"== {c.Name} stdout ==\n{c.Stdout}== {c.Name} stderr ==\n{c.Stderr}")))));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites",
            new XAttribute("name", report.Scenario), new XAttribute("tests", cases.Count), new XAttribute("failures", report.Failures),
            new XAttribute("time", Seconds(report.Duration)), suite));
        return document.Declaration + "\n" + document.Root + "\n";
    }

    private static XElement Case(RunReport report, string name, double time, string? failure, string? output)
    {
        (name, failure, output) = (ReportText.Printable(name), failure is null ? null : ReportText.Printable(failure), output is null ? null : ReportText.Printable(output));
        var element = new XElement("testcase", new XAttribute("classname", $"scenario.{report.Scenario}"), new XAttribute("name", name),
            new XAttribute("time", Seconds(Math.Max(0, time))));
        if (failure is not null)
        {
            element.Add(new XElement("failure", new XAttribute("message", failure.Length > 300 ? failure[..300] + "…" : failure), failure));
        }
        else if (output is not null)
        {
            element.Add(new XElement("system-out", output));
        }

        return element;
    }

    private static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
