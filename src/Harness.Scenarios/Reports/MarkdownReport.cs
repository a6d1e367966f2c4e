using System.Globalization;
using System.Text;

namespace Harness.Scenarios.Reports;

/// <summary>The report as Markdown: the verdict, each expectation with its evidence, the steps, the clients and the timeline.</summary>
public static class MarkdownReport
{
    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {report.Scenario}: {(report.Passed ? "PASSED" : "FAILED")}").AppendLine();
        if (report.Description is { } description)
        {
            md.AppendLine(description.Trim()).AppendLine();
        }

        md.AppendLine($"- {report.Expectations.Count(e => e.Passed)} of {report.Expectations.Count} expectations held")
          .AppendLine($"- seed {report.Seed}, {report.Clock} clock, propagation `{report.Propagation}`, harness {report.Target}")
          .AppendLine($"- started {report.StartedAt:yyyy-MM-dd HH:mm:ss}Z, ran {S(report.Duration)}")
          .AppendLine($"- scenario file `{report.File}`");
        if (report.CleanUp is { } cleanUp)
        {
            md.AppendLine($"- {cleanUp}");
        }

        if (report.Error is { } error)
        {
            md.AppendLine().AppendLine($"**The run stopped:** {Cell(error)}");
        }

        md.AppendLine().AppendLine("## Expectations").AppendLine().AppendLine("| | line | expectation | at | evidence |").AppendLine("|---|---|---|---|---|");
        foreach (var e in report.Expectations)
        {
            md.AppendLine($"| {(e.Passed ? "✅" : "❌")} | {e.Line} | {Cell(e.Description)} | {S(e.At)} | {Cell(e.Evidence)} |");
        }

        md.AppendLine().AppendLine("## Steps").AppendLine().AppendLine("| line | step | start | end | outcome |").AppendLine("|---|---|---|---|---|");
        foreach (var s in report.Steps.OrderBy(s => s.Start ?? double.MaxValue).ThenBy(s => s.Line))
        {
            md.AppendLine($"| {s.Line} | {Cell(s.Description)} | {S(s.Start)} | {S(s.End)} | {s.Outcome}{(s.Detail is null ? "" : ": " + Cell(s.Detail))} |");
        }

        foreach (var c in report.Clients)
        {
            md.AppendLine().AppendLine($"## Client {c.Name} on {c.Instance} ({c.InstanceId})").AppendLine()
              .AppendLine($"`{c.Command}`: {(c.TimedOut ? "timed out and was killed" : $"exited {c.ExitCode}")}, from {S(c.Start)} to {S(c.End)}; "
                  + $"metadata endpoint {c.ImdsEndpoint}").AppendLine()
              .AppendLine("| at | | request | status | reply |").AppendLine("|---|---|---|---|---|");
            foreach (var call in c.Calls.Take(200))
            {
                var reply = (call.Channel == "imds" ? call.Body + (call.Current == false ? " (stale)" : "") : call.Error)
                    + (call.Fault is null ? "" : $" [{call.Fault}]") + (call.AfterEnd ? " (answered after its exit was seen)" : "");
                md.AppendLine($"| {S(call.At)} | {call.Channel} | {Cell($"{call.Method} {call.Target}")} | {(call.Status == 0 ? "dropped" : call.Status)} | {Cell(reply ?? "")} |");
            }

            if (c.Calls.Count > 200 || c.Dropped > 0)
            {
                md.AppendLine().AppendLine($"({c.Calls.Count - Math.Min(200, c.Calls.Count) + c.Dropped} more requests in report.json)");
            }

            md.AppendLine().AppendLine("stdout:").AppendLine().AppendLine("```").Append(c.Stdout).AppendLine("```")
              .AppendLine().AppendLine("stderr:").AppendLine().AppendLine("```").Append(c.Stderr).AppendLine("```");
        }

        var windows = FaultWindow.Of(report);
        if (windows.Count > 0)
        {
            md.AppendLine().AppendLine("## Faults").AppendLine().AppendLine("| fault | spec | from | to | touched |").AppendLine("|---|---|---|---|---|");
            foreach (var w in windows)
            {
                md.AppendLine($"| {Cell(w.Name)} | `{Cell(w.Spec)}` | {S(w.Start)} | {(w.End is null ? "the end" : $"{S(w.End)} ({w.Ending})")} | {w.Touched} |");
            }

            var touched = report.Faults.Where(f => f.Event == "touched").ToList();
            if (touched.Count > 0)
            {
                md.AppendLine().AppendLine("| at | fault | instance | request or change | what it did |").AppendLine("|---|---|---|---|---|");
                foreach (var f in touched.Take(200))
                {
                    md.AppendLine($"| {S(f.At)} | {Cell(f.Fault)} | {Cell(f.Instance ?? "")} | {Cell($"{f.Channel} {f.Target}")} | {Cell(f.Detail ?? "")} |");
                }

                if (touched.Count > 200 || report.FaultsDropped > 0)
                {
                    md.AppendLine().AppendLine($"({touched.Count - Math.Min(200, touched.Count) + report.FaultsDropped} more in report.json)");
                }
            }
        }

        LoadSection.Markdown(md, report);
        md.AppendLine().AppendLine("## Metadata timeline").AppendLine()
          .AppendLine("| instance | change | interface | made | due | seen | status |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var e in report.Events)
        {
            md.AppendLine($"| {e.Instance} | {Cell($"{e.Kind} {e.Detail}")} | {e.NetworkInterfaceId} | {S(e.MadeAt)} | {S(e.DueAt)} | {S(e.SeenAt)} | {e.Status}{(e.Fault is null ? "" : $" ({Cell(e.Fault)})")} |");
        }

        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    internal static string S(double? seconds) => seconds is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) + "s" : "–";
}
