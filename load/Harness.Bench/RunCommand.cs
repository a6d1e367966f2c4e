using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Bench;

internal sealed record WorkloadResult(string Workload, int Concurrency, Stats Stats, Stats? Unassign);

internal sealed record RunResult(
    string Label,
    string Target,
    double DurationSeconds,
    List<WorkloadResult> Workloads,
    ScaleResult? DescribeScale,
    string? Failure);

/// <summary>`run`: fixture, then every workload at every concurrency, then optionally the describe-scale sweep.</summary>
internal static class RunCommand
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(CommandLine args)
    {
        var target = new Uri(args.Get("target") ?? throw new ArgumentException("--target is required"));
        var label = args.Get("label", target.Authority);
        var concurrencies = args.GetIntList("concurrency", [1, 8]);
        var limits = new LoadLimits(
            args.GetDuration("duration", TimeSpan.FromSeconds(10)),
            args.GetInt("max-requests", 1_000_000),
            args.GetDuration("warmup", TimeSpan.FromSeconds(1)));
        var scalePoints = args.GetIntList("describe-scale", []);
        var scaleLimits = limits with { Duration = args.GetDuration("scale-duration", TimeSpan.FromSeconds(3)) };
        var workloads = args.Get("workloads") is { } w ? w.Split(',') : Workloads.All;
        var output = args.Get("json");

        using var client = new QueryClient(target, concurrencies.Append(8).Max(), raw: args.Get("client", "raw") != "httpclient");
        var driver = new LoadDriver(client);
        var results = new List<WorkloadResult>();
        ScaleResult? scale = null;
        string? failure = null;
        try
        {
            Console.Error.WriteLine($"[{label}] setting up fixture on {target}");
            var fixture = await Ec2Fixture.CreateAsync(client, concurrencies.Max());
            var runner = new Workloads(driver, fixture);
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
                scale = await new DescribeScale(client, driver, args.GetDuration("scale-budget", TimeSpan.FromSeconds(240))).RunAsync(scalePoints, scaleLimits);
                Console.Error.WriteLine($"[{label}] describe-scale p50 ratio {scale.P50Ratio}, p99 ratio {scale.P99Ratio}");
            }
        }
        catch (Exception ex) when (ex is BenchFailure or HttpRequestException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            // Keep whatever was measured: the report shows the exact refused request instead of nothing.
            failure = ex.Message;
            Console.Error.WriteLine($"[{label}] FAILED: {ex.Message}");
        }

        var result = new RunResult(label, target.ToString(), limits.Duration.TotalSeconds, results, scale, failure);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, Json));
        }

        return failure is null ? 0 : 2;
    }
}
