using System.Globalization;
using System.Text;

namespace Harness.Load.Reports;

/// <summary>
/// The report as CSV for spreadsheets and scripts (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
/// quoted): steps, the timeline and the convergence histogram. Numbers use the invariant culture; a value that is
/// not finite is an empty field.
/// </summary>
public static class CsvReport
{
    /// <summary>One row per scenario and step; failures as <c>code=n;code=n</c>, most frequent first.</summary>
    public static string RenderSteps(LoadReport report)
    {
        var csv = new StringBuilder();
        Row(csv, "scenario", "step", "count", "ok", "failed", "rps", "min_ms", "mean_ms", "p50_ms", "p75_ms", "p95_ms", "p99_ms", "max_ms", "failures");
        foreach (var scenario in report.Scenarios)
        {
            foreach (var s in scenario.Steps)
            {
                var l = s.Latency;
                Row(csv, scenario.Name, s.Name, I(s.Count), I(s.Ok), I(s.Failed), D(s.RequestsPerSecond), D(l.MinMs), D(l.MeanMs), D(l.P50Ms), D(l.P75Ms),
                    D(l.P95Ms), D(l.P99Ms), D(l.MaxMs), string.Join(";", s.FailuresByCode.Select(f => $"{f.Code}={I(f.Count)}")));
            }
        }

        return csv.ToString();
    }

    /// <summary>One row per scenario, step and time slot; <c>at_s</c> is the end of the slot.</summary>
    public static string RenderTimeline(LoadReport report)
    {
        var csv = new StringBuilder();
        Row(csv, "scenario", "step", "at_s", "ok", "failed", "rps", "p50_ms", "p99_ms");
        foreach (var scenario in report.Scenarios)
        {
            foreach (var s in scenario.Steps)
            {
                foreach (var p in s.Timeline)
                {
                    Row(csv, scenario.Name, s.Name, D(p.AtSeconds), I(p.Ok), I(p.Failed), D(p.RequestsPerSecond), D(p.P50Ms), D(p.P99Ms));
                }
            }
        }

        return csv.ToString();
    }

    /// <summary>The histogram of observed times to convergence; only the header when the run did not measure convergence.</summary>
    public static string RenderConvergence(LoadReport report)
    {
        var csv = new StringBuilder();
        Row(csv, "from_ms", "to_ms", "count");
        foreach (var b in report.Convergence?.Distribution ?? [])
        {
            Row(csv, D(b.FromMs), D(b.ToMs), I(b.Count));
        }

        return csv.ToString();
    }

    private static void Row(StringBuilder csv, params string[] fields) =>
        csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");

    private static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string D(double value) => double.IsFinite(value) ? value.ToString("0.###", CultureInfo.InvariantCulture) : "";
}
