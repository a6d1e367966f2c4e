using System.Text;

namespace Harness.Load.Reports;

/// <summary>The report as Markdown: the run, a table of steps per scenario with failures by code, convergence and notes.</summary>
public static class MarkdownReport
{
    /// <summary>What the lateness column means, in both the Markdown and the HTML report.</summary>
    internal const string LatenessText =
        "Harness lateness is the harness's own time-to-convergence error: for each private-address change it applied during the run, "
        + "how long after its drawn due time it made the change visible (seen less due, from its timeline), polling aside.";

    public static string Render(LoadReport report)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {Cell(report.Title)}").AppendLine();
        foreach (var warning in report.Warnings)
        {
            md.AppendLine($"> **Warning:** {Cell(warning)}").AppendLine();
        }

        foreach (var line in report.Headline)
        {
            md.AppendLine(Cell(line)).AppendLine();
        }

        md.AppendLine($"- command: {Code(report.Command)}")
          .AppendLine($"- target: {Cell(report.Target)}")
          .AppendLine($"- started: {ReportFormat.Instant(report.StartedAt)}")
          .AppendLine($"- set-up: {ReportFormat.Seconds(report.SetUpSeconds)} (delay model, fleet, waiting for its metadata)")
          .AppendLine($"- duration: {ReportFormat.Seconds(report.DurationSeconds)}")
          .AppendLine($"- seed: {report.Seed}");
        foreach (var scenario in report.Scenarios)
        {
            md.AppendLine().AppendLine($"## Scenario {Cell(scenario.Name)}").AppendLine()
              .AppendLine($"Load {(scenario.Simulations.Count == 0 ? "none" : string.Join(", ", scenario.Simulations.Select(Code)))}; "
                  + $"warm-up {ReportFormat.Seconds(scenario.WarmUpSeconds)}; {scenario.Copies} copies, {scenario.Dropped} dropped.").AppendLine();
            if (scenario.Steps.Count == 0)
            {
                md.AppendLine("No calls were made.");
                continue;
            }

            Table(md, ReportTables.Steps(scenario));
            var failures = ReportTables.Failures(scenario);
            if (failures.Rows.Count > 0)
            {
                md.AppendLine().AppendLine("### Failures by code").AppendLine();
                Table(md, failures);
            }
        }

        if (report.Convergence is { } c)
        {
            md.AppendLine().AppendLine("## Convergence").AppendLine()
              .AppendLine($"From the API's reply to a change until the first metadata read begun after it that showed it; the model is "
                  + $"{(c.Model is null ? "unknown" : Code(c.Model))}, and the pollers read every {ReportFormat.Number(c.PollIntervalMs, "0.###")} ms, "
                  + "so observed times include up to one interval of waiting.").AppendLine();
            Table(md, ReportTables.ConvergenceCounts(c));
            md.AppendLine();
            Table(md, ReportTables.Quantiles(c));
            if (c.KsDistance is { } ks)
            {
                md.AppendLine().AppendLine($"Kolmogorov–Smirnov distance from the model with the wait for the next poll added (changes that had their instance to themselves): {ReportFormat.Number(ks, "0.000")}");
            }

            if (c.Lateness is not null)
            {
                md.AppendLine().AppendLine(LatenessText);
            }
        }

        if (report.Notes.Count > 0)
        {
            md.AppendLine().AppendLine("## Notes").AppendLine();
            foreach (var note in report.Notes)
            {
                md.AppendLine($"- {Cell(note)}");
            }
        }

        return md.ToString();
    }

    private static void Table(StringBuilder md, TextTable table)
    {
        md.AppendLine($"| {string.Join(" | ", table.Headers.Select(Cell))} |")
          .AppendLine($"|{string.Join("|", table.Headers.Select((_, i) => i < table.TextColumns ? "---" : "---:"))}|");
        foreach (var row in table.Rows)
        {
            md.AppendLine($"| {string.Join(" | ", row.Select(Cell))} |");
        }
    }

    private static string Cell(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    /// <summary>A code span whose fence is longer than any run of backticks in the text.</summary>
    private static string Code(string text)
    {
        var fence = new string('`', LongestRun(text, '`') + 1);
        var padding = text.StartsWith('`') || text.EndsWith('`') ? " " : "";
        return $"{fence}{padding}{Cell(text)}{padding}{fence}";
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
