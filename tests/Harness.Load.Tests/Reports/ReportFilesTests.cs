using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

public sealed class ReportFilesTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("harness-load-report-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void WriteAll_WithConvergence_WritesSixFilesIntoANewDirectory()
    {
        var directory = Path.Combine(root.FullName, "run", "1");
        var report = SampleReports.Full();

        var paths = ReportFiles.WriteAll(report, directory);

        Assert.Equal(["report.md", "report.html", "report.json", "steps.csv", "timeline.csv", "convergence.csv"], paths.Select(Path.GetFileName));
        Assert.All(paths, p => Assert.Equal(directory, Path.GetDirectoryName(p)));
        Assert.Equal(paths.Order(StringComparer.Ordinal), Directory.GetFiles(directory).Order(StringComparer.Ordinal));
        Assert.Equal(MarkdownReport.Render(report), File.ReadAllText(paths[0]));
        Assert.Equal(JsonReport.Render(report), JsonReport.Render(JsonReport.Parse(File.ReadAllText(paths[2]))));
        Assert.Equal(CsvReport.RenderConvergence(report), File.ReadAllText(paths[5]));
    }

    [Fact]
    public void WriteAll_WithoutConvergence_LeavesOutItsCsv()
    {
        var paths = ReportFiles.WriteAll(SampleReports.Empty(), root.FullName);

        Assert.Equal(["report.md", "report.html", "report.json", "steps.csv", "timeline.csv"], paths.Select(Path.GetFileName));
        Assert.All(paths, p => Assert.True(File.Exists(p)));
        Assert.DoesNotContain("NaN", File.ReadAllText(paths[1]));
    }
}
