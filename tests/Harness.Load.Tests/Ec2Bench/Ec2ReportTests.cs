using System.Text.Json;
using Harness.Load.Ec2Bench;

namespace Harness.Load.Tests.Ec2Bench;

/// <summary>ec2-report reads the JSON that ec2-bench and calibrate write and sets the harness beside moto, row by row.</summary>
public sealed class Ec2ReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ec2-report-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task RunAsync_TwoRuns_PutsTheRatioAndTheGoalsOnEachRow()
    {
        var harness = Run("harness",
            Cell(QueryWorkloads.DescribeById, 1, rps: 24_800, p50: 0.03, p99: 0.07),
            Cell(QueryWorkloads.DescribeById, 8, rps: 50_000, p50: 0.13, p99: 0.40),
            Cell(QueryWorkloads.AssignByCount, 8, rps: 12_000, p50: 0.14, p99: 6.5, unassign: Stats(11_990, 0.12, 0.5)));
        var moto = Run("moto",
            Cell(QueryWorkloads.DescribeById, 1, rps: 400, p50: 2.25, p99: 3.7),
            Cell(QueryWorkloads.DescribeById, 8, rps: 2_000, p50: 19.9, p99: 28),
            Cell(QueryWorkloads.AssignByCount, 8, rps: 200, p50: 16.5, p99: 24, unassign: Stats(199, 15, 20)));
        var output = Path.Combine(dir, "out", "report.md");

        var code = await Ec2ReportCommand.RunAsync(["--harness", await WriteAsync("h.json", harness), "--moto", await WriteAsync("m.json", moto),
            "--moto-version", "5.2.1", "--out", output]);

        Assert.Equal(0, code);
        var rows = (await File.ReadAllLinesAsync(output)).Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        // 24,800 ÷ 400 = 62×: throughput goal met; concurrency 1 has no p99 goal.
        Assert.Contains("| describe-by-id | 1 | 24,800 | 0.03 | 0.07 | 400 | 2.25 | 3.70 | 62× | 0/0 | ≥50× ✅ |", rows);
        // 50,000 ÷ 2,000 = 25×: throughput goal missed, p99 under 5 ms met.
        Assert.Contains("| describe-by-id | 8 | 50,000 | 0.13 | 0.40 | 2,000 | 19.90 | 28.00 | 25× | 0/0 | ≥100× ❌ p99 ✅ |", rows);
        // 12,000 ÷ 200 = 60×: enough at concurrency 1, not the 100× wanted at 8; p99 6.5 ms is over the goal; the paired Unassign row has no goals.
        Assert.Contains("| assign-by-count | 8 | 12,000 | 0.14 | 6.50 | 200 | 16.50 | 24.00 | 60× | 0/0 | ≥100× ❌ p99 ❌ |", rows);
        Assert.Contains("| ↳ paired Unassign | 8 | 11,990 | 0.12 | 0.50 | 199 | 15.00 | 20.00 | 60× | 0/0 |  |", rows);
        // Rows in the workloads' order, then by concurrency.
        Assert.True(rows.FindIndex(r => r.StartsWith("| assign-by-count", StringComparison.Ordinal)) < rows.FindIndex(r => r.StartsWith("| describe-by-id | 1", StringComparison.Ordinal)));
        Assert.Contains("moto 5.2.1", await File.ReadAllTextAsync(output), StringComparison.Ordinal);
        Assert.Contains("one unmeasured pass of every cell (harness 3 s, moto 3 s each)", await File.ReadAllTextAsync(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServersThatTookTurns_ShowTheMedianRatioAndTheSpreadOfTheRoundRatios()
    {
        // Rounds side by side: 9,000/180 = 50×, 16,000/200 = 80×, 12,000/240 = 50×; medians 12,000 and 200 = 60×.
        var harness = Run("harness", Cell(QueryWorkloads.ReassignPingPong, 1, rps: 12_000, p50: 0.05, p99: 0.2) with { RoundRates = [9_000, 16_000, 12_000] })
            with { Rounds = 3, Versus = "moto" };
        var moto = Run("moto", Cell(QueryWorkloads.ReassignPingPong, 1, rps: 200, p50: 5, p99: 9) with { RoundRates = [180, 200, 240] })
            with { Rounds = 3, Versus = "harness" };
        var output = Path.Combine(dir, "rounds.md");

        await Ec2ReportCommand.RunAsync(["--harness", await WriteAsync("h.json", harness), "--moto", await WriteAsync("m.json", moto), "--out", output]);

        var text = await File.ReadAllTextAsync(output);
        Assert.Contains("| reassign-ping-pong | 1 | 12,000 | 0.05 | 0.20 | 200 | 5.00 | 9.00 | 60× (by round 50–80×) | 0/0 | ≥50× ✅ |", text, StringComparison.Ordinal);
        Assert.Contains("The two servers took turns cell by cell, each cell measured 3 times, the round with the median rate standing for the cell", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoMotoFile_ShowsDashesAndTheHarnessProblems()
    {
        var failed = new WorkloadResult(QueryWorkloads.ReassignPingPong, 1, Stats(9_000, 0.02, 0.1) with
        {
            Errors = 3,
            FirstError = new ErrorSample("Action=AssignPrivateIpAddresses&x=1", 400, "<Errors>\n<Code>Bad</Code></Errors>"),
        }, null);
        var harness = Run("harness", failed) with { Failure = "CreateVpc failed" };
        var output = Path.Combine(dir, "report.md");

        await Ec2ReportCommand.RunAsync(["--harness", await WriteAsync("h.json", harness), "--moto", Path.Combine(dir, "missing.json"), "--out", output]);

        var text = await File.ReadAllTextAsync(output);
        Assert.Contains("| reassign-ping-pong | 1 | 9,000 | 0.02 | 0.10 | – | – | – | – | 3/– | errors ❌ |", text, StringComparison.Ordinal);
        Assert.Contains("## Problems seen (harness)", text, StringComparison.Ordinal);
        Assert.Contains("- run aborted: CreateVpc failed", text, StringComparison.Ordinal);
        Assert.Contains("- reassign-ping-pong c=1: 3 errors; first: `Action=AssignPrivateIpAddresses&x=1` → HTTP 400 `<Errors> <Code>Bad</Code></Errors>`", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CalibrationFiles_ShowEachRoundAndTheEngineShareOfWrk()
    {
        static CalibrationSample Sample(string client, int connections, double rps) => new(client, connections, 5, (long)(rps * 5), rps, 0.1, 0.3, 0, 2, 3, 0.1);
        var c8 = new CalibrationReport("http://127.0.0.1:1/", 2, "0.1", 5, 8, false,
            [new CalibrationRound(1, [Sample("wrk -t1", 8, 40_000), Sample("wrk -t2", 8, 50_000)], Sample("engine", 8, 44_000))], 0.8);
        var path = Path.Combine(dir, "c8.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(c8, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        var output = Path.Combine(dir, "report.md");

        await Ec2ReportCommand.RunAsync(["--calibration", path + "," + Path.Combine(dir, "absent.json"), "--out", output]);

        var text = await File.ReadAllTextAsync(output);
        Assert.Contains("| wrk -t1 | 8 | 1 | 40,000 | 0.100 | 0.300 | 10.0 | 110 % |", text, StringComparison.Ordinal);
        Assert.Contains("| wrk -t2 | 8 | 1 | 50,000 | 0.100 | 0.300 | 8.0 | 88 % |", text, StringComparison.Ordinal);
        Assert.Contains("| engine | 8 | 1 | 44,000 | 0.100 | 0.300 | 9.1 | |", text, StringComparison.Ordinal);
        Assert.Contains("With 8 connections the engine reached 88 % of the best wrk (one round).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("## Workloads", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AFileThatIsNotARun_Exits2()
    {
        var path = Path.Combine(dir, "bad.json");
        await File.WriteAllTextAsync(path, "[1, 2");

        Assert.Equal(2, await Ec2ReportCommand.RunAsync(["--harness", path]));
    }

    private static BenchStats Stats(double rps, double p50, double p99) => new((long)rps, 0, 1, rps, p50, p50 * 1.5, p99, p99 * 2, null);

    private static WorkloadResult Cell(string workload, int concurrency, double rps, double p50, double p99, BenchStats? unassign = null) =>
        new(workload, concurrency, Stats(rps, p50, p99), unassign);

    private static Ec2BenchResult Run(string label, params WorkloadResult[] cells) => new(label, "http://127.0.0.1:1/", 10, 3, [.. cells], null, null);

    private async Task<string> WriteAsync(string name, Ec2BenchResult result)
    {
        var path = Path.Combine(dir, name);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, BenchJson.Options));
        return path;
    }
}
