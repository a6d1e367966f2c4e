using System.Text;

namespace Harness.Load.Reports;

/// <summary>
/// The report for people as one self-contained HTML file (no scripts, no external resources; well-formed XML too):
/// the run, then per scenario its tables and charts of throughput, latency over time and the latency distribution
/// (inline SVG), then convergence beside the configured model, and the notes.
/// </summary>
public static class HtmlReport
{
    public static string Render(LoadReport report)
    {
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>{{E(report.Title)}}</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
            table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#777}
            .warning{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5em 1em}.headline{font-size:1.05em}
            svg{display:block;margin:1em 0}svg text{font-size:11px;font-family:system-ui,sans-serif}
            </style></head><body>
            <h1>{{E(report.Title)}}</h1>
            """);
        html.AppendJoin("", report.Warnings.Select(w => $"<p class=\"warning\"><strong>Warning:</strong> {E(w)}</p>"))
            .AppendJoin("", report.Headline.Select(line => $"<p class=\"headline\">{E(line)}</p>"));
        html.Append($"<p><code>{E(report.Command)}</code></p><table>")
            .Append($"<tr><th>target</th><td>{E(report.Target)}</td></tr><tr><th>started</th><td>{ReportFormat.Instant(report.StartedAt)}</td></tr>")
            .Append($"<tr><th>set-up</th><td>{E(ReportFormat.Seconds(report.SetUpSeconds))}</td></tr>")
            .Append($"<tr><th>duration</th><td>{E(ReportFormat.Seconds(report.DurationSeconds))}</td></tr><tr><th>seed</th><td>{report.Seed}</td></tr></table>");
        foreach (var scenario in report.Scenarios)
        {
            var load = scenario.Simulations.Count == 0 ? "none" : string.Join(", ", scenario.Simulations.Select(s => $"<code>{E(s)}</code>"));
            html.Append($"<h2>Scenario {E(scenario.Name)}</h2><p>Load {load}; warm-up {E(ReportFormat.Seconds(scenario.WarmUpSeconds))}; "
                + $"{scenario.Copies} copies, {scenario.Dropped} dropped.</p>");
            if (scenario.Steps.Count == 0)
            {
                html.Append("<p class=\"muted\">No calls were made.</p>");
                continue;
            }

            Table(html, ReportTables.Steps(scenario));
            var failures = ReportTables.Failures(scenario);
            if (failures.Rows.Count > 0)
            {
                html.Append("<h3>Failures by code</h3>");
                Table(html, failures);
            }

            html.Append(LoadCharts.Throughput(scenario)).Append(LoadCharts.Latency(scenario)).Append(LoadCharts.Distribution(scenario));
        }

        if (report.Convergence is { } c)
        {
            html.Append("<h2>Convergence</h2><p>From the API's reply to a change until the first metadata read begun after it that showed it; ")
                .Append($"the model is {(c.Model is null ? "unknown" : $"<code>{E(c.Model)}</code>")}, and the pollers read every ")
                .Append($"{E(ReportFormat.Number(c.PollIntervalMs, "0.###"))} ms, so observed times include up to one interval of waiting.</p>");
            Table(html, ReportTables.ConvergenceCounts(c));
            Table(html, ReportTables.Quantiles(c));
            if (c.KsDistance is { } ks)
            {
                html.Append($"<p>Kolmogorov–Smirnov distance from the model with the wait for the next poll added (changes that had their instance to themselves): {E(ReportFormat.Number(ks, "0.000"))}</p>");
            }

            if (c.Lateness is not null)
            {
                html.Append($"<p>{E(MarkdownReport.LatenessText)}</p>");
            }

            html.Append(LoadCharts.Convergence(c));
        }

        if (report.Notes.Count > 0)
        {
            html.Append("<h2>Notes</h2><ul>").AppendJoin("", report.Notes.Select(n => $"<li>{E(n)}</li>")).Append("</ul>");
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static void Table(StringBuilder html, TextTable table)
    {
        string Cell(string tag, string text, int column) => $"<{tag}{(column < table.TextColumns ? "" : " class=\"n\"")}>{E(text)}</{tag}>";

        html.Append("<table><tr>").AppendJoin("", table.Headers.Select((h, i) => Cell("th", h, i))).Append("</tr>");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>").AppendJoin("", row.Select((cell, i) => Cell("td", cell, i))).Append("</tr>");
        }

        html.Append("</table>");
    }

    private static string E(string text) => HtmlText.Encode(text);
}
