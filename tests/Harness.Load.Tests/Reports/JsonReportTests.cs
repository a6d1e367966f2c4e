using System.Text.Json;
using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

public sealed class JsonReportTests
{
    [Fact]
    public void Parse_OfRender_RoundTrips()
    {
        var report = SampleReports.Full();

        var json = JsonReport.Render(report);
        var parsed = JsonReport.Parse(json);

        Assert.Equal(json, JsonReport.Render(parsed));
        Assert.Equal(report.StartedAt, parsed.StartedAt);
        Assert.Equal(report.Scenarios[0].Steps[0].FailuresByCode, parsed.Scenarios[0].Steps[0].FailuresByCode);
        Assert.Equal(report.Convergence!.Observed, parsed.Convergence!.Observed);
        Assert.Equal(double.PositiveInfinity, parsed.Convergence.Configured!.MaxMs);
        Assert.Equal(JsonReport.Render(SampleReports.Sparse()), JsonReport.Render(JsonReport.Parse(JsonReport.Render(SampleReports.Sparse()))));
    }

    [Fact]
    public void Render_FullReport_IsIndentedCamelCase()
    {
        var json = JsonReport.Render(SampleReports.Full());

        var root = JsonDocument.Parse(json).RootElement;
        Assert.Contains("\n  \"title\": \"IMDS under churn\",", json);
        Assert.Equal(42, root.GetProperty("seed").GetInt32());
        var step = root.GetProperty("scenarios")[0].GetProperty("steps")[0];
        Assert.Equal("InvalidParameterValue", step.GetProperty("failuresByCode")[0].GetProperty("code").GetString());
        Assert.Equal(18.44, step.GetProperty("latency").GetProperty("p99Ms").GetDouble());
        Assert.Equal(0.042, root.GetProperty("convergence").GetProperty("ksDistance").GetDouble());
        Assert.Equal("Infinity", root.GetProperty("convergence").GetProperty("configured").GetProperty("maxMs").GetString());
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(JsonReport.Render(SampleReports.Empty())).RootElement.GetProperty("convergence").ValueKind);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"title\": \"no more\"}")]
    [InlineData("{\"title\": null, \"command\": \"c\", \"startedAt\": \"2025-01-01T00:00:00Z\", \"durationSeconds\": 1, \"target\": \"t\", \"seed\": 1, \"scenarios\": [], \"convergence\": null, \"notes\": []}")]
    public void Parse_NotAReport_Throws(string json) => Assert.Throws<JsonException>(() => JsonReport.Parse(json));
}
