using System.Globalization;
using System.Net;
using System.Text;

namespace Harness.Scenarios.Reports;

/// <summary>
/// The report for people: the verdict, a timeline chart per instance (inline SVG, no external assets) showing each
/// control-plane change, when the instance's metadata caught up, and the clients' calls and reads; then the
/// expectations with their evidence, the steps and the clients' output.
/// </summary>
public static class HtmlReport
{
    private const int LabelWidth = 190;
    private const int PlotWidth = 900;
    private const int RowHeight = 26;

    public static string Render(RunReport report)
    {
        var html = new StringBuilder();
        var verdict = report.Passed ? "PASSED" : "FAILED";
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{E(report.Scenario)}}: {{verdict}}</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
            h1 .verdict{padding:.1em .5em;border-radius:.3em;color:#fff;background:{{(report.Passed ? "#2e7d32" : "#c62828")}}}
            table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
            tr.fail td{background:#fdecea}tr.pass td:first-child{color:#2e7d32}tr.fail td:first-child{color:#c62828}
            pre{background:#f6f6f6;padding:.8em;overflow:auto;max-height:20em}.muted{color:#777}
            svg text{font-size:11px;font-family:system-ui,sans-serif}
            </style></head><body>
            <h1>{{E(report.Scenario)}} <span class="verdict">{{verdict}}</span></h1>
            """);
        if (report.Description is { } description)
        {
            html.Append($"<p>{E(description)}</p>");
        }

        html.Append($"<p>{report.Expectations.Count(e => e.Passed)} of {report.Expectations.Count} expectations held. Seed {report.Seed}, "
            + $"{E(report.Clock)} clock, propagation <code>{E(report.Propagation)}</code>, harness {E(report.Target)}; started "
            + $"{report.StartedAt:yyyy-MM-dd HH:mm:ss}Z, ran {S(report.Duration)}.</p>");
        if (report.Error is { } error)
        {
            html.Append($"<p><strong>The run stopped:</strong> {E(error)}</p>");
        }

        html.Append("<h2>Timeline</h2>").Append(Timeline(report));
        html.Append("<h2>Expectations</h2><table><tr><th></th><th>line</th><th>expectation</th><th>at</th><th>evidence</th></tr>");
        foreach (var e in report.Expectations)
        {
            html.Append($"<tr class=\"{(e.Passed ? "pass" : "fail")}\"><td>{(e.Passed ? "✔ pass" : "✘ fail")}</td><td>{e.Line}</td><td>{E(e.Description)}</td>"
                + $"<td>{S(e.At)}</td><td>{E(e.Evidence)}</td></tr>");
        }

        html.Append("</table><h2>Steps</h2><table><tr><th>line</th><th>step</th><th>start</th><th>end</th><th>outcome</th></tr>");
        foreach (var s in report.Steps.OrderBy(s => s.Start ?? double.MaxValue).ThenBy(s => s.Line))
        {
            html.Append($"<tr class=\"{(s.Outcome == "ok" ? "" : "fail")}\"><td>{s.Line}</td><td>{E(s.Description)}</td><td>{S(s.Start)}</td><td>{S(s.End)}</td>"
                + $"<td>{E(s.Outcome)}{(s.Detail is null ? "" : ": " + E(s.Detail))}</td></tr>");
        }

        html.Append("</table>");
        foreach (var c in report.Clients)
        {
            html.Append($"<h2>Client {E(c.Name)} on {E(c.Instance)}</h2><p><code>{E(c.Command)}</code>: "
                + $"{(c.TimedOut ? "timed out and was killed" : $"exited {c.ExitCode}")}, from {S(c.Start)} to {S(c.End)}. "
                + $"Metadata endpoint {E(c.ImdsEndpoint)}.</p><table><tr><th>at</th><th></th><th>request</th><th>status</th><th>reply</th></tr>");
            foreach (var call in c.Calls.Take(500))
            {
                var reply = (call.Channel == "imds" ? call.Body + (call.Current == false ? " (stale)" : "") : call.Error)
                    + (call.Fault is null ? "" : $" [{call.Fault}]") + (call.AfterEnd ? " (answered after its exit was seen)" : "");
                html.Append($"<tr class=\"{(call.Status is 200 ? "" : "fail")}\"><td>{S(call.At)}</td><td>{call.Channel}</td><td>{E(call.Method)} {E(call.Target)}</td>"
                    + $"<td>{(call.Status == 0 ? "dropped" : call.Status)}</td><td><code>{E(reply ?? "")}</code></td></tr>");
            }

            html.Append("</table>");
            if (c.Calls.Count > 500 || c.Dropped > 0)
            {
                html.Append($"<p class=\"muted\">{c.Calls.Count - Math.Min(500, c.Calls.Count) + c.Dropped} more requests are in report.json.</p>");
            }

            html.Append($"<h3>stdout</h3><pre>{E(c.Stdout)}</pre><h3>stderr</h3><pre>{E(c.Stderr)}</pre>");
        }

        var windows = FaultWindow.Of(report);
        if (windows.Count > 0)
        {
            html.Append("<h2>Faults</h2><table><tr><th>fault</th><th>spec</th><th>from</th><th>to</th><th>touched</th></tr>");
            foreach (var w in windows)
            {
                html.Append($"<tr><td>{E(w.Name)}</td><td><code>{E(w.Spec)}</code></td><td>{S(w.Start)}</td>"
                    + $"<td>{(w.End is null ? "the end" : $"{S(w.End)} ({E(w.Ending!)})")}</td><td>{w.Touched}</td></tr>");
            }

            html.Append("</table>");
        }

        LoadSection.Html(html, report);
        html.Append("<h2>Metadata changes</h2><table><tr><th>instance</th><th>change</th><th>interface</th><th>made</th><th>due</th><th>seen</th><th>status</th></tr>");
        foreach (var e in report.Events)
        {
            html.Append($"<tr><td>{E(e.Instance)}</td><td>{E(e.Kind)} {E(e.Detail)}</td><td>{E(e.NetworkInterfaceId ?? "")}</td><td>{S(e.MadeAt)}</td>"
                + $"<td>{S(e.DueAt)}</td><td>{S(e.SeenAt)}</td><td>{E(e.Status)}{(e.Fault is null ? "" : $" ({E(e.Fault)})")}</td></tr>");
        }

        return html.Append("</table></body></html>\n").ToString();
    }

    /// <summary>
    /// One band per instance: a row of control-plane changes (◆), a row of the metadata catching up (● at the moment
    /// it did, with a line back to the change; dashed red for a change it never saw), a row per client (its run as a
    /// bar, ■ EC2 calls, | metadata reads: amber from a view that had not caught up, red when refused or dropped), and
    /// the expectations judged on it (✔/✘).
    /// </summary>
    internal static string Timeline(RunReport report)
    {
        var end = new[] { report.Duration }
            .Concat(report.Events.Select(e => e.SeenAt ?? e.MadeAt))
            .Concat(report.Clients.Select(c => c.End))
            .Concat(report.Expectations.Select(e => e.At))
            .Concat(report.Faults.Select(f => f.At))
            .Concat(report.Loads.Select(l => l.Ended ?? 0)).Max();
        end = Math.Max(end, 0.001) * 1.02;
        double X(double seconds) => LabelWidth + Math.Clamp(seconds, 0, end) / end * PlotWidth;

        var rows = new List<string>();
        var bands = new StringBuilder();
        var svg = new StringBuilder();
        var y = 30;

        // Faults first: a bar for each, from when it was added to when it ended.
        foreach (var w in FaultWindow.Of(report))
        {
            var x1 = X(w.Start);
            var x2 = X(w.End ?? end);
            svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{y + 6}\" text-anchor=\"end\" fill=\"#6a1b9a\">fault {E(w.Name)}</text>");
            svg.Append($"<rect x=\"{F(x1)}\" y=\"{y - 4}\" width=\"{F(Math.Max(2, x2 - x1))}\" height=\"14\" fill=\"#f3e5f5\" stroke=\"#8e24aa\">"
                + $"<title>{E($"{w.Spec}: {S(w.Start)}–{(w.End is null ? "end" : S(w.End))}, touched {w.Touched}")}</title></rect>");
            svg.Append($"<text x=\"{F(x1 + 4)}\" y=\"{y + 7}\" fill=\"#4a148c\" font-size=\"10\">{E(w.Spec)}</text>");
            y += RowHeight;
        }

        // The load beside the steps: its fleet's set-up lighter, its workload darker.
        foreach (var (label, from, running, to, title) in LoadSection.Bars(report))
        {
            var (x1, x2) = (X(from), X(to));
            var xr = running is { } at ? X(at) : x2;
            svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{y + 6}\" text-anchor=\"end\" fill=\"#00695c\">{E(label)}</text>");
            svg.Append($"<rect x=\"{F(x1)}\" y=\"{y - 4}\" width=\"{F(Math.Max(1, xr - x1))}\" height=\"14\" fill=\"#e0f2f1\" stroke=\"#80cbc4\"><title>{E(title)}</title></rect>");
            if (running is not null)
            {
                svg.Append($"<rect x=\"{F(xr)}\" y=\"{y - 4}\" width=\"{F(Math.Max(2, x2 - xr))}\" height=\"14\" fill=\"#80cbc4\" stroke=\"#00897b\"><title>{E(title)}</title></rect>");
            }

            y += RowHeight;
        }

        y += y > 30 ? 6 : 0;
        foreach (var instance in report.Instances)
        {
            var clients = report.Clients.Where(c => c.InstanceId == instance.InstanceId).ToList();
            var bandHeight = RowHeight * (3 + clients.Count);
            bands.Append($"<rect x=\"0\" y=\"{y - 4}\" width=\"{LabelWidth + PlotWidth + 10}\" height=\"{bandHeight}\" fill=\"{(rows.Count % 2 == 0 ? "#fafafa" : "#f2f5fa")}\"/>");
            svg.Append($"<text x=\"4\" y=\"{y + 10}\" font-weight=\"bold\">{E(instance.Name)}</text><text x=\"4\" y=\"{y + 24}\" fill=\"#777\">{E(instance.InstanceId)}</text>");
            rows.Add(instance.Name);

            var events = report.Events.Where(e => e.InstanceId == instance.InstanceId && e.Kind != "instance-launched").ToList();
            var apiY = y + 8;
            var seenY = y + 8 + RowHeight;
            svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{apiY + 4}\" text-anchor=\"end\" fill=\"#555\">API change</text>");
            svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{seenY + 4}\" text-anchor=\"end\" fill=\"#555\">metadata sees it</text>");
            foreach (var e in events)
            {
                var x = X(e.MadeAt);
                var title = $"{e.Kind} {e.Detail} (made {S(e.MadeAt)}, {(e.SeenAt is { } seen ? $"seen {S(seen)}" : e.Status)})";
                svg.Append($"<path d=\"M{F(x)} {apiY - 5} l5 5 l-5 5 l-5 -5z\" fill=\"#ef6c00\"><title>{E(title)}</title></path>");
                if (e.SeenAt is { } seenAt)
                {
                    var sx = X(seenAt);
                    svg.Append($"<line x1=\"{F(x)}\" y1=\"{apiY + 5}\" x2=\"{F(sx)}\" y2=\"{seenY}\" stroke=\"#90a4ae\"/>");
                    svg.Append($"<circle cx=\"{F(sx)}\" cy=\"{seenY}\" r=\"4.5\" fill=\"#1565c0\"><title>{E(title)}</title></circle>");
                }
                else
                {
                    svg.Append($"<line x1=\"{F(x)}\" y1=\"{apiY + 5}\" x2=\"{F(X(end))}\" y2=\"{seenY}\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"><title>{E(title)}</title></line>");
                }
            }

            var rowY = seenY + RowHeight;
            foreach (var client in clients)
            {
                svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{rowY + 4}\" text-anchor=\"end\" fill=\"#555\">client {E(client.Name)}</text>");
                svg.Append($"<rect x=\"{F(X(client.Start))}\" y=\"{rowY - 7}\" width=\"{F(Math.Max(1, X(client.End) - X(client.Start)))}\" height=\"14\" fill=\"#e8f5e9\" stroke=\"#a5d6a7\">"
                    + $"<title>{E($"{client.Command}: {(client.TimedOut ? "timed out" : $"exit {client.ExitCode}")}, {S(client.Start)}–{S(client.End)}")}</title></rect>");
                foreach (var call in client.Calls)
                {
                    var cx = X(call.At);
                    var bad = call.Status != 200;
                    var stale = call.Current == false ? " (stale: metadata had not caught up)" : "";
                    var title = E($"{S(call.At)} {call.Channel} {call.Method} {call.Target} → {(call.Status == 0 ? "dropped" : call.Status)} {(call.Channel == "imds" ? call.Body : call.Error)}{stale}"
                        + (call.Fault is null ? "" : $" [fault {call.Fault}]"));
                    var readColour = bad ? "#c62828" : stale.Length > 0 ? "#f9a825" : "#2e7d32";
                    svg.Append(call.Channel is "ec2" or "ecs"
                        ? $"<rect x=\"{F(cx - 4)}\" y=\"{rowY - 4}\" width=\"8\" height=\"8\" fill=\"{(bad ? "#c62828" : "#ef6c00")}\"><title>{title}</title></rect>"
                        : $"<line x1=\"{F(cx)}\" y1=\"{rowY - 7}\" x2=\"{F(cx)}\" y2=\"{rowY + 7}\" stroke=\"{readColour}\" stroke-width=\"1.5\"><title>{title}</title></line>");
                }

                svg.Append($"<text x=\"{F(X(client.End) + 4)}\" y=\"{rowY + 4}\" fill=\"#555\">{(client.TimedOut ? "killed" : $"exit {client.ExitCode}")}</text>");
                rowY += RowHeight;
            }

            svg.Append($"<text x=\"{LabelWidth - 6}\" y=\"{rowY + 4}\" text-anchor=\"end\" fill=\"#555\">expectations</text>");
            foreach (var e in report.Expectations.Where(e => e.Instance == instance.Name))
            {
                svg.Append($"<text x=\"{F(X(e.At))}\" y=\"{rowY + 5}\" text-anchor=\"middle\" font-size=\"14\" fill=\"{(e.Passed ? "#2e7d32" : "#c62828")}\">"
                    + $"{(e.Passed ? "✔" : "✘")}<title>{E($"line {e.Line}: {e.Description}: {e.Evidence}")}</title></text>");
            }

            y += bandHeight + 6;
        }

        // The time axis, with about eight round ticks.
        var step = Nice(end / 8);
        var axis = new StringBuilder($"<line x1=\"{LabelWidth}\" y1=\"{y}\" x2=\"{LabelWidth + PlotWidth}\" y2=\"{y}\" stroke=\"#999\"/>");
        for (var t = 0.0; t <= end; t += step)
        {
            axis.Append($"<line x1=\"{F(X(t))}\" y1=\"22\" x2=\"{F(X(t))}\" y2=\"{y}\" stroke=\"#e0e0e0\"/>");
            axis.Append($"<text x=\"{F(X(t))}\" y=\"{y + 14}\" text-anchor=\"middle\" fill=\"#555\">{t.ToString("0.###", CultureInfo.InvariantCulture)}s</text>");
        }

        var legend = $"<g transform=\"translate({LabelWidth},10)\"><path d=\"M0 -5 l5 5 l-5 5 l-5 -5z\" fill=\"#ef6c00\"/><text x=\"9\" y=\"4\">API change</text>"
            + "<circle cx=\"100\" cy=\"0\" r=\"4.5\" fill=\"#1565c0\"/><text x=\"108\" y=\"4\">metadata caught up</text>"
            + "<line x1=\"230\" y1=\"0\" x2=\"250\" y2=\"0\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/><text x=\"254\" y=\"4\">never seen</text>"
            + "<rect x=\"330\" y=\"-4\" width=\"8\" height=\"8\" fill=\"#ef6c00\"/><text x=\"342\" y=\"4\">client EC2 call</text>"
            + "<line x1=\"440\" y1=\"-7\" x2=\"440\" y2=\"7\" stroke=\"#2e7d32\" stroke-width=\"1.5\"/><text x=\"446\" y=\"4\">client metadata read</text>"
            + "<line x1=\"570\" y1=\"-7\" x2=\"570\" y2=\"7\" stroke=\"#f9a825\" stroke-width=\"1.5\"/><text x=\"576\" y=\"4\">stale read</text>"
            + "<text x=\"650\" y=\"4\" fill=\"#2e7d32\">✔</text><text x=\"662\" y=\"4\" fill=\"#c62828\">✘</text><text x=\"676\" y=\"4\">expectation</text></g>";
        var height = y + 24;
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{LabelWidth + PlotWidth + 10}\" height=\"{height}\" "
            + $"viewBox=\"0 0 {LabelWidth + PlotWidth + 10} {height}\" role=\"img\" aria-label=\"timeline of {E(report.Scenario)}\">{bands}{axis}{svg}{legend}</svg>";
    }

    private static double Nice(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        return magnitude * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
    }

    private static string E(string text) => WebUtility.HtmlEncode(ReportText.Printable(text));

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string S(double? seconds) => MarkdownReport.S(seconds);
}
