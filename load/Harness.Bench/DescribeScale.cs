using System.Diagnostics;
using System.Globalization;

namespace Harness.Bench;

internal sealed record ScalePoint(int Interfaces, double CreateSeconds, double CreatePerSecond, int CreateErrors, ErrorSample? FirstCreateError, Stats Describe);

internal sealed record ScaleResult(List<ScalePoint> Points, double P50Ratio, double P99Ratio);

/// <summary>
/// Grows the interface count through each scale point and measures DescribeNetworkInterfaces
/// by a random id at concurrency 1: a by-id lookup should not care how many interfaces exist.
/// </summary>
internal sealed class DescribeScale(QueryClient client, LoadDriver driver, TimeSpan budget)
{
    // A /16 has 65,531 usable addresses; stay clear of the edge so no create fails on exhaustion.
    private const int InterfacesPerSubnet = 60_000;
    private const int CreateConcurrency = 8;

    private readonly List<string> _subnets = [];

    // Creation stops here so a slow server yields partial points instead of a killed run.
    private readonly long _deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
    private int _nextSubnet = 1;

    public async Task<ScaleResult> RunAsync(int[] points, LoadLimits limits)
    {
        var max = points.Max();
        var ids = new string?[max];
        var created = 0;
        var results = new List<ScalePoint>();
        var random = new Random(42);
        foreach (var point in points.Order())
        {
            var creates = new LatencyRecorder(Math.Max(point - created, 1));
            var start = Stopwatch.GetTimestamp();
            created = await GrowAsync(ids, created, point, creates);
            var createSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var live = ids.Take(created).Where(id => id is not null).Select(id => id!).ToArray();
            Console.Error.WriteLine($"  scale {point}: {live.Length} interfaces created ({creates.Errors} errors) in {createSeconds:F1}s");
            if (live.Length == 0)
            {
                Console.Error.WriteLine($"  stopping: no interface could be created; first error: {creates.FirstError}");
                break;
            }


            var stats = (await driver.RunAsync(1, limits, withSecondary: false, async (_, recorder, _) =>
            {
                var id = live[random.Next(live.Length)];
                var body = QueryClient.BuildBody("DescribeNetworkInterfaces", "NetworkInterfaceId.1=" + id);
                var response = await driver.CallAsync(recorder, body);
                if (!response.IsError && !response.Body.Contains(id, StringComparison.Ordinal))
                {
                    recorder.RecordError("(wrong interface) NetworkInterfaceId.1=" + id, response with { Status = -1 });
                }
            })).Primary;
            Console.Error.WriteLine($"  scale {point}: describe p50 {stats.P50Ms} ms p99 {stats.P99Ms} ms ({stats.RequestsPerSecond} req/s)");
            results.Add(new ScalePoint(
                live.Length,
                Math.Round(createSeconds, 2),
                Math.Round((live.Length - (results.LastOrDefault()?.Interfaces ?? 0)) / createSeconds, 1),
                creates.Errors,
                creates.FirstError,
                stats));
            if (live.Length < point)
            {
                Console.Error.WriteLine($"  stopping: only {live.Length} of {point} interfaces exist (errors or time budget)");
                break;
            }
        }

        if (results.Count == 0)
        {
            throw new InvalidOperationException("describe-scale: no interface could be created");
        }

        var first = results[0].Describe;
        var last = results[^1].Describe;
        return new ScaleResult(results, Ratio(last.P50Ms, first.P50Ms), Ratio(last.P99Ms, first.P99Ms));
    }

    private static double Ratio(double a, double b) => b == 0 ? 0 : Math.Round(a / b, 2);

    /// <summary>Creates interfaces [from, to) with 8 workers; slot i lands in subnet i / 60,000.</summary>
    private async Task<int> GrowAsync(string?[] ids, int from, int to, LatencyRecorder recorder)
    {
        while (_subnets.Count * InterfacesPerSubnet < to)
        {
            // 10.0.0.0/16 belongs to the workload fixture; scale VPCs start at 10.1.0.0/16.
            var cidr = string.Create(CultureInfo.InvariantCulture, $"10.{_nextSubnet++}.0.0/16");
            _subnets.Add(await Ec2Fixture.CreateVpcAndSubnetAsync(client, cidr));
        }

        var next = from - 1;
        var bodies = _subnets.Select(s => QueryClient.BuildBody("CreateNetworkInterface", "SubnetId=" + s)).ToArray();
        var workers = LoadDriver.StartWorkers(CreateConcurrency, async _ =>
        {
            int slot;
            while ((slot = Interlocked.Increment(ref next)) < to)
            {
                // A server that refuses most creates (a quota, a bug) would only burn the time budget.
                if ((recorder.Errors > 100 && recorder.Errors * 2 > recorder.Count) || Stopwatch.GetTimestamp() > _deadline)
                {
                    return;
                }

                var response = await driver.CallAsync(recorder, bodies[slot / InterfacesPerSubnet]);
                if (!response.IsError)
                {
                    ids[slot] = Xml.First(response.Body, "networkInterfaceId");
                }
            }
        });
        await Task.WhenAll(workers);
        return to;
    }
}
