using System.Net.Sockets;
using System.Text.Json;
using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// <c>harness-load ec2-bench</c>: against any EC2 Query endpoint (the harness, moto), builds a fixture, then runs every
/// workload at every concurrency closed-loop through the load engine, then optionally the describe-scale sweep, and
/// writes what it measured as JSON for <c>ec2-report</c>. Exit 0 when every phase ran, 1 when one was cut short (what
/// was measured is still written, with the reason), 2 for bad arguments.
/// </summary>
internal static class Ec2BenchCommand
{
    public const string Usage =
        "usage: harness-load ec2-bench --target http://127.0.0.1:PORT/ [--label NAME] [--duration 10s] [--concurrency 1,8] [--warmup 1s] [--warm-pass 10s]\n" +
        "                              [--workloads assign-by-count,describe-by-id,reassign-ping-pong] [--describe-scale 100,1000,10000,100000]\n" +
        "                              [--scale-duration 3s] [--scale-budget 240s] [--json out.json]";

    private static readonly string[] Names =
        ["target", "label", "duration", "concurrency", "warmup", "warm-pass", "workloads", "describe-scale", "scale-duration", "scale-budget", "json"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("ec2-bench", args, Names, RunAsync);

    private static async Task<int> RunAsync(BenchOptions args)
    {
        var target = args.RequireUrl("target");
        var label = args.Get("label", target.Authority);
        var concurrencies = args.GetIntList("concurrency", [1, 8]);
        var limits = new BenchLimits(args.GetDuration("duration", TimeSpan.FromSeconds(10)), args.GetDuration("warmup", TimeSpan.FromSeconds(1)));
        if (limits.Duration <= TimeSpan.Zero)
        {
            throw new BenchOptionException("--duration must be longer than 0");
        }

        // One unmeasured run of every cell first: a server on .NET's tiered JIT reaches its steady speed only after
        // tens of seconds of traffic (after a pass of 3 s a cell, the harness's assign-by-count at concurrency 1 still
        // ran at 78 % of what it reached after 10 s a cell), and the same pass costs moto nothing but time.
        var warmPass = args.GetDuration("warm-pass", TimeSpan.FromSeconds(10));
        var scalePoints = args.GetIntList("describe-scale", []);
        var scaleLimits = limits with { Duration = args.GetDuration("scale-duration", TimeSpan.FromSeconds(3)) };
        var workloads = args.Get("workloads") is { } w ? w.Split(',', StringSplitOptions.TrimEntries) : QueryWorkloads.All;
        if (workloads.FirstOrDefault(n => !QueryWorkloads.All.Contains(n)) is { } unknown)
        {
            throw new BenchOptionException($"unknown workload '{unknown}'; the workloads are {string.Join(", ", QueryWorkloads.All)}");
        }

        var output = args.Get("json");
        using var ec2 = new Ec2Api(target, concurrencies.Max());
        var results = new List<WorkloadResult>();
        ScaleResult? scale = null;
        string? failure = null;
        try
        {
            Console.Error.WriteLine($"[{label}] setting up fixture on {target}");
            var fixture = await Ec2Fixture.CreateAsync(ec2, concurrencies.Max());
            var runner = new QueryWorkloads(ec2, fixture);
            if (warmPass > TimeSpan.Zero)
            {
                Console.Error.WriteLine($"[{label}] warm pass: every workload at every concurrency for {warmPass.TotalSeconds:0.#} s, unmeasured");
                foreach (var concurrency in concurrencies)
                {
                    foreach (var workload in workloads)
                    {
                        await runner.RunAsync(workload, concurrency, new BenchLimits(warmPass, TimeSpan.Zero));
                    }
                }
            }

            foreach (var concurrency in concurrencies)
            {
                foreach (var workload in workloads)
                {
                    var (stats, unassign) = await runner.RunAsync(workload, concurrency, limits);
                    results.Add(new WorkloadResult(workload, concurrency, stats, unassign));
                    Console.Error.WriteLine(
                        $"[{label}] {workload,-20} c={concurrency}: {stats.RequestsPerSecond,10:F1} req/s  p50 {stats.P50Ms:F3} ms  p99 {stats.P99Ms:F3} ms  max {stats.MaxMs:F3} ms  errors {stats.Errors}");
                    if (stats.FirstError is { } e)
                    {
                        Console.Error.WriteLine($"    first error: {e.Request} -> HTTP {e.Status} {e.Response}");
                    }
                }
            }

            if (scalePoints.Length > 0)
            {
                Console.Error.WriteLine($"[{label}] describe-scale {string.Join(" -> ", scalePoints)}");
                scale = await new DescribeScale(ec2, args.GetDuration("scale-budget", TimeSpan.FromSeconds(240))).RunAsync(scalePoints, scaleLimits);
                Console.Error.WriteLine($"[{label}] describe-scale p50 ratio {scale.P50Ratio}, p99 ratio {scale.P99Ratio}");
            }
        }
        catch (Exception ex) when (ex is BenchFailure or HttpRequestException or InvalidOperationException or IOException or SocketException
            or InvalidDataException or TimeoutException)
        {
            // Keep whatever was measured: the report shows the exact refused request instead of nothing.
            failure = ex.Message;
            Console.Error.WriteLine($"[{label}] FAILED: {ex.Message}");
        }

        var result = new Ec2BenchResult(label, target.ToString(), limits.Duration.TotalSeconds, warmPass.TotalSeconds, results, scale, failure);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, BenchJson.Options));
        }

        return failure is null ? 0 : 1;
    }
}
