using System.Text.Json;
using Harness.Host;
using Harness.Load.Ec2Bench;

namespace Harness.Load.Tests.Ec2Bench;

/// <summary>ec2-bench end to end against a real harness on loopback: short cells, real time, generous bounds.</summary>
public sealed class Ec2BenchCommandTests : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("ec2-bench-").FullName;
    private HarnessApplication app = null!;

    public async Task InitializeAsync()
    {
        app = HarnessApp.Build(new HarnessHostOptions(0, 0, 3));
        await app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task RunAsync_EveryWorkloadAtEveryConcurrency_IsMeasuredWithoutErrorsAndWritten()
    {
        var json = Path.Combine(dir, "harness.json");

        var code = await Ec2BenchCommand.RunAsync(
            ["--target", app.Ec2Url + "/", "--label", "harness", "--duration", "400ms", "--warmup", "0s", "--warm-pass", "100ms", "--concurrency", "1,3",
             "--describe-scale", "20,60", "--scale-duration", "300ms", "--json", json]);

        Assert.Equal(0, code);
        var result = await ReadAsync(json);
        Assert.Null(result.Failure);
        Assert.Equal("harness", result.Label);
        Assert.Equal(0.1, result.WarmPassSeconds);
        Assert.Equal(
            QueryWorkloads.All.SelectMany(_ => new[] { 1, 3 }, (w, c) => (w, c)).Order(),
            result.Workloads.Select(w => (w.Workload, w.Concurrency)).Order());
        Assert.All(result.Workloads, w =>
        {
            Assert.True(w.Stats.Requests > 10, $"{w.Workload} c={w.Concurrency}: {w.Stats.Requests} requests");
            Assert.Equal(0, w.Stats.Errors);
            Assert.Null(w.Stats.FirstError);
            Assert.InRange(w.Stats.P50Ms, 0.001, w.Stats.P99Ms);
            Assert.InRange(w.Stats.P99Ms, w.Stats.P50Ms, w.Stats.MaxMs);
            // About its 400 ms: the measured window ends with the last reply and is rounded to the millisecond (0.399 seen).
            Assert.InRange(w.Stats.Seconds, 0.35, 10);
        });

        // Every assign is followed by the Unassign of what it got: one each, give or take the one cut off at the end.
        var assign = result.Workloads.Where(w => w.Workload == QueryWorkloads.AssignByCount).ToList();
        Assert.All(assign, w => Assert.InRange(w.Unassign!.Requests, w.Stats.Requests - w.Concurrency, w.Stats.Requests));
        Assert.All(result.Workloads.Except(assign), w => Assert.Null(w.Unassign));

        var scale = result.DescribeScale!;
        Assert.Equal([20, 60], scale.Points.Select(p => p.Interfaces));
        Assert.All(scale.Points, p => Assert.True(p.CreateErrors == 0 && p.Describe.Errors == 0 && p.Describe.Requests > 0, p.ToString()));
    }

    [Fact]
    public async Task RunAsync_Versus_TakesTurnsRoundByRoundAndWritesBothServersMedianCells()
    {
        var first = Path.Combine(dir, "first.json");
        var second = Path.Combine(dir, "second.json");

        // The same harness on both sides: each side builds a fixture of its own there.
        var code = await Ec2BenchCommand.RunAsync(
            ["--target", app.Ec2Url + "/", "--label", "one", "--duration", "300ms", "--warmup", "0s", "--warm-pass", "0s", "--concurrency", "1",
             "--workloads", "describe-by-id,assign-by-count", "--rounds", "3", "--json", first,
             "--versus", app.Ec2Url + "/", "--versus-label", "two", "--versus-duration", "200ms", "--versus-json", second]);

        Assert.Equal(0, code);
        var one = await ReadAsync(first);
        var two = await ReadAsync(second);
        Assert.Equal(("one", "two", 3, 0.3), (one.Label, one.Versus, one.Rounds, one.DurationSeconds));
        Assert.Equal(("two", "one", 3, 0.2), (two.Label, two.Versus, two.Rounds, two.DurationSeconds));
        Assert.All(one.Workloads.Concat(two.Workloads), w =>
        {
            // Three rounds each; the cell is the round with the middle rate.
            Assert.Equal(3, w.RoundRates!.Length);
            Assert.Equal(w.RoundRates.Order().ElementAt(1), w.Stats.RequestsPerSecond);
            Assert.Equal(0, w.Stats.Errors);
        });
        Assert.Equal(["assign-by-count", "describe-by-id"], one.Workloads.Select(w => w.Workload).Order());
        Assert.Equal(one.Workloads.Select(w => w.Workload), two.Workloads.Select(w => w.Workload));
        Assert.NotNull(two.Workloads.Single(w => w.Workload == QueryWorkloads.AssignByCount).Unassign);
    }

    [Fact]
    public async Task RunAsync_VersusThatRefusesTheFixture_MeasuresTheOtherServerAndRecordsTheRefusal()
    {
        var first = Path.Combine(dir, "kept.json");
        var second = Path.Combine(dir, "refused-versus.json");

        var code = await Ec2BenchCommand.RunAsync(
            ["--target", app.Ec2Url + "/", "--label", "one", "--duration", "200ms", "--warmup", "0s", "--warm-pass", "0s", "--concurrency", "1",
             "--workloads", "describe-by-id", "--rounds", "2", "--json", first,
             "--versus", app.Ec2Url + "/_harness/nowhere", "--versus-label", "two", "--versus-json", second]);

        Assert.Equal(1, code);
        var one = await ReadAsync(first);
        var two = await ReadAsync(second);
        Assert.Null(one.Failure);
        Assert.Equal(2, one.Workloads.Single().RoundRates!.Length);
        Assert.Empty(two.Workloads);
        Assert.StartsWith("CreateVpc failed: HTTP ", two.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ATargetThatRefusesTheFixture_Exits1AndWritesTheRefusedExchange()
    {
        var json = Path.Combine(dir, "refused.json");

        // The workloads must never touch the control API's paths: a Query POST there is not an EC2 endpoint.
        var code = await Ec2BenchCommand.RunAsync(["--target", app.Ec2Url + "/_harness/nowhere", "--duration", "200ms", "--warmup", "0s", "--json", json]);

        Assert.Equal(1, code);
        var result = await ReadAsync(json);
        Assert.Empty(result.Workloads);
        Assert.StartsWith("CreateVpc failed: HTTP ", result.Failure, StringComparison.Ordinal);
        Assert.Contains("request: Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16", result.Failure, StringComparison.Ordinal);
    }

    private static async Task<Ec2BenchResult> ReadAsync(string path) =>
        JsonSerializer.Deserialize<Ec2BenchResult>(await File.ReadAllTextAsync(path), BenchJson.Options)!;
}
