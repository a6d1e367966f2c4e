namespace Harness.Load.Reports;

/// <summary>Writes a load run's report files into one directory.</summary>
public static class ReportFiles
{
    /// <summary>
    /// Creates <paramref name="directory"/> and writes <c>report.md</c>, <c>report.html</c>, <c>report.json</c>,
    /// <c>steps.csv</c>, <c>timeline.csv</c> and, when the run measured convergence, <c>convergence.csv</c>. Every
    /// report is rendered before any is written, so one that cannot be rendered leaves the directory as it was.
    /// </summary>
    /// <returns>The paths written, in that order.</returns>
    public static IReadOnlyList<string> WriteAll(LoadReport report, string directory)
    {
        var files = new List<(string Name, string Text)>
        {
            ("report.md", MarkdownReport.Render(report)),
            ("report.html", HtmlReport.Render(report)),
            ("report.json", JsonReport.Render(report)),
            ("steps.csv", CsvReport.RenderSteps(report)),
            ("timeline.csv", CsvReport.RenderTimeline(report)),
        };
        if (report.Convergence is not null)
        {
            files.Add(("convergence.csv", CsvReport.RenderConvergence(report)));
        }

        Directory.CreateDirectory(directory);
        var paths = new List<string>(files.Count);
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, text);
            paths.Add(path);
        }

        return paths;
    }
}
