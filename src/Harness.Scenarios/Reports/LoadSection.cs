using System.Globalization;
using System.Net;
using System.Text;
using Harness.Load.Reports;

namespace Harness.Scenarios.Reports;

/// <summary>
/// The "Load" section of report.md and report.html: per workload of the <c>load:</c> block, when it ran, a compact
/// table of its steps, its failures by code and its convergence, with a link to its own full reports.
/// </summary>
internal static class LoadSection
{
    private const string Intro =
        "The workloads of the load: block ran beside the steps, against the same harness with a fleet of their own. Their calls are the "
        + "world's, not the scenario's: faults in force touch them. Failed load calls do not fail the scenario; a load that cannot be set up does.";

    private static readonly string[] Headers = ["step", "count", "ok", "failed", "rps", "p50 ms", "p99 ms"];

    public static void Markdown(StringBuilder md, RunReport report)
    {
        if (report.Loads.Count == 0)
        {
            return;
        }

        md.AppendLine().AppendLine("## Load").AppendLine().AppendLine(Intro);
        foreach (var load in report.Loads)
        {
            md.AppendLine().AppendLine($"### {Title(load)}").AppendLine().AppendLine($"`{Cell(Options(load))}`: {Cell(When(load))}"
                + (load.Directory is { } dir ? $" Full report: [{dir}/report.html]({dir}/report.html), [{dir}/report.md]({dir}/report.md)." : ""));
            if (load.Report is not { } result)
            {
                continue;
            }

            // As the load's own report opens: what to distrust first, then what ran and how it went.
            if (result.Warnings.Count + result.Headline.Count > 0)
            {
                md.AppendLine();
                foreach (var warning in result.Warnings)
                {
                    md.AppendLine($"> **Warning:** {Cell(warning)}").AppendLine();
                }

                foreach (var line in result.Headline)
                {
                    md.AppendLine($"- {Cell(line)}");
                }
            }

            var rows = Rows(result);
            if (rows.Count > 0)
            {
                md.AppendLine().AppendLine($"| {string.Join(" | ", Headers)} |").AppendLine("|---|---:|---:|---:|---:|---:|---:|");
                foreach (var row in rows)
                {
                    md.AppendLine($"| {string.Join(" | ", row.Select(Cell))} |");
                }
            }

            var failures = Failures(result);
            if (failures.Count > 0)
            {
                md.AppendLine().AppendLine("| step | failed with | count |").AppendLine("|---|---|---:|");
                foreach (var (step, code, count) in failures)
                {
                    md.AppendLine($"| {Cell(step)} | {Cell(code)} | {count} |");
                }
            }

            if (result.Convergence is { } c)
            {
                md.AppendLine().AppendLine(Cell(Convergence(c)));
            }

            if (result.Notes.Count > 0)
            {
                md.AppendLine();
                foreach (var note in result.Notes)
                {
                    md.AppendLine($"- {Cell(note)}");
                }
            }
        }
    }

    public static void Html(StringBuilder html, RunReport report)
    {
        if (report.Loads.Count == 0)
        {
            return;
        }

        html.Append($"<h2>Load</h2><p>{E(Intro)}</p>");
        foreach (var load in report.Loads)
        {
            html.Append($"<h3>{E(Title(load))}</h3><p><code>{E(Options(load))}</code>: {E(When(load))}");
            if (load.Directory is { } dir)
            {
                html.Append($" Full report: <a href=\"{E(dir)}/report.html\">{E(dir)}/report.html</a>, <a href=\"{E(dir)}/report.md\">{E(dir)}/report.md</a>.");
            }

            html.Append("</p>");
            if (load.Report is not { } result)
            {
                continue;
            }

            html.AppendJoin("", result.Warnings.Select(w => $"<p class=\"fail\"><strong>Warning:</strong> {E(w)}</p>"));
            if (result.Headline.Count > 0)
            {
                html.Append("<ul>").AppendJoin("", result.Headline.Select(h => $"<li>{E(h)}</li>")).Append("</ul>");
            }

            var rows = Rows(result);
            if (rows.Count > 0)
            {
                html.Append("<table><tr>").AppendJoin("", Headers.Select(h => $"<th>{E(h)}</th>")).Append("</tr>");
                foreach (var row in rows)
                {
                    html.Append("<tr>").AppendJoin("", row.Select(cell => $"<td>{E(cell)}</td>")).Append("</tr>");
                }

                html.Append("</table>");
            }

            var failures = Failures(result);
            if (failures.Count > 0)
            {
                html.Append("<table><tr><th>step</th><th>failed with</th><th>count</th></tr>");
                foreach (var (step, code, count) in failures)
                {
                    html.Append($"<tr class=\"fail\"><td>{E(step)}</td><td>{E(code)}</td><td>{count}</td></tr>");
                }

                html.Append("</table>");
            }

            if (result.Convergence is { } c)
            {
                html.Append($"<p>{E(Convergence(c))}</p>");
            }

            if (result.Notes.Count > 0)
            {
                html.Append("<ul>").AppendJoin("", result.Notes.Select(n => $"<li>{E(n)}</li>")).Append("</ul>");
            }
        }
    }

    /// <summary>For the timeline: each load's bar, from its start to its end, and when its workload began.</summary>
    public static IEnumerable<(string Label, double From, double? Running, double To, string Title)> Bars(RunReport report) =>
        report.Loads.Where(l => l.Began is not null).Select(l =>
            ($"load {l.Workload}", l.Began!.Value, l.Running, l.Ended ?? report.Duration, $"{Title(l)}: {When(l)}"));

    private static string Title(LoadRunReport load) => $"{load.Workload} (line {load.Line}): {load.Outcome}";

    private static string Options(LoadRunReport load) =>
        string.Join(", ", load.Options.Select(o => $"{o.Key}: {o.Value}").Prepend($"workload: {load.Workload}")
            .Concat(load.Start > 0 ? [$"start: {S(load.Start)}"] : []));

    private static string When(LoadRunReport load)
    {
        if (load.Began is not { } began)
        {
            return $"{load.Detail}.";
        }

        var running = load.Running is { } at ? $", its workload from {S(at)}" : "";
        var calls = load.Report is null ? "" : $"; {load.Calls} calls, {load.FailedCalls} failed";
        return $"set up its fleet from {S(began)}{running}, until {S(load.Ended)} ({load.Detail}){calls}.";
    }

    private static List<string[]> Rows(LoadReport report) =>
        [.. report.Scenarios.SelectMany(s => s.Steps.Select(t => new[]
        {
            $"{s.Name} / {t.Name}", Count(t.Count), Count(t.Ok), Count(t.Failed), Number(t.RequestsPerSecond, "0.0"),
            t.Count > 0 ? Ms(t.Latency.P50Ms) : "–", t.Count > 0 ? Ms(t.Latency.P99Ms) : "–",
        }))];

    /// <summary>Failures by code; <c>stopped</c> is the engine's code for a call cut off when the load stopped, said so here.</summary>
    private static List<(string Step, string Code, long Count)> Failures(LoadReport report) =>
        [.. report.Scenarios.SelectMany(s => s.Steps.SelectMany(t => t.FailuresByCode.Select(f =>
            ($"{s.Name} / {t.Name}", f.Code == "stopped" ? "stopped (cut off when the load stopped)" : f.Code, f.Count))))];

    private static string Convergence(ConvergenceReport c)
    {
        var text = new StringBuilder($"Convergence in its fleet's metadata (model {c.Model ?? "unknown"}, polled every {Number(c.PollIntervalMs, "0.###")} ms): "
            + $"{c.Changes} changes, {c.Converged} converged, {c.Superseded} superseded, {c.Unconverged} unconverged");
        if (c.Converged > 0)
        {
            text.Append($"; observed p50 {Ms(c.Observed.P50Ms)} ms, p99 {Ms(c.Observed.P99Ms)} ms");
        }

        if (c.Configured is { } model)
        {
            text.Append($"; the model's p50 {Ms(model.P50Ms)} ms, p99 {Ms(model.P99Ms)} ms");
        }

        if (c.Lateness is { } late)
        {
            text.Append($"; harness lateness p50 {Ms(late.P50Ms)} ms, p99 {Ms(late.P99Ms)} ms");
        }

        return text.Append('.').ToString();
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Milliseconds to a precision that suits their size, as the load's own reports write them.</summary>
    private static string Ms(double ms) => Math.Abs(ms) switch
    {
        < 1 => Number(ms, "0.000"),
        < 100 => Number(ms, "0.00"),
        < 10_000 => Number(ms, "0.0"),
        _ => Number(ms, "0"),
    };

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : double.IsNaN(value) ? "–" : value > 0 ? "∞" : "-∞";

    private static string S(double? seconds) => MarkdownReport.S(seconds);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string E(string text) => WebUtility.HtmlEncode(ReportText.Printable(text));
}
