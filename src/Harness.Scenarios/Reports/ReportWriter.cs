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
    };

    public static IReadOnlyList<string> WriteAll(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Text)[]
        {
            ("report.md", MarkdownReport.Render(report)),
            ("report.html", HtmlReport.Render(report)),
            ("report.json", JsonSerializer.Serialize(report, Json)),
            ("junit.xml", JUnitReport.Render(report)),
        };
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }

        return [.. files.Select(f => Path.Combine(directory, f.Name))];
    }
}
