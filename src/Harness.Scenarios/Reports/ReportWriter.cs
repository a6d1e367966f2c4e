using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Scenarios.Reports;

/// <summary>Writes a run's reports: <c>report.md</c>, <c>report.html</c>, <c>report.json</c> and <c>junit.xml</c>.</summary>
public static class ReportWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // A load's delay model can have an unbounded maximum (+Infinity): written as such rather than costing the report.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes each report on its own, so that one that cannot be written does not cost the others, then each load's
    /// full reports (<c>Harness.Load.Reports.ReportFiles</c>) into its folder beside them (<c>load/</c>, or <c>load-N/</c>).
    /// </summary>
    /// <returns>Each report's path, with why it could not be written (null when it was).</returns>
    public static IReadOnlyList<(string Path, string? Error)> WriteAll(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var formats = new (string Name, Func<RunReport, string> Render)[]
        {
            ("report.md", MarkdownReport.Render),
            ("report.html", HtmlReport.Render),
            ("report.json", r => JsonSerializer.Serialize(r, Json)),
            ("junit.xml", JUnitReport.Render),
        };
        var written = new List<(string, string?)>();
        foreach (var (name, render) in formats)
        {
            var path = Path.Combine(directory, name);
            try
            {
                File.WriteAllText(path, render(report));
                written.Add((path, null));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                written.Add((path, error.Message));
            }
        }

        foreach (var load in report.Loads)
        {
            if (load is not { Report: { } result, Directory: { } folder })
            {
                continue;
            }

            var path = Path.Combine(directory, folder);
            try
            {
                written.AddRange(Harness.Load.Reports.ReportFiles.WriteAll(result, path).Select(p => (p, (string?)null)));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                written.Add((path, error.Message));
            }
        }

        return written;
    }
}
