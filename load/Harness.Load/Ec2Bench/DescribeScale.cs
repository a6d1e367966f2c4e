using System.Diagnostics;
using System.Globalization;
using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// Grows the interface count through each scale point and measures DescribeNetworkInterfaces by a random id at
/// concurrency 1: a by-id lookup should not care how many interfaces exist.
/// </summary>
internal sealed class DescribeScale(Ec2Api ec2, TimeSpan budget)
{
    // A /16 has 65,531 usable addresses; stay clear of the edge so no create fails on exhaustion.
    private const int InterfacesPerSubnet = 60_000;
    private const int CreateConcurrency = 8;

    private readonly List<string> subnets = [];

    // Creation stops here so a slow server yields partial points instead of a killed run.
    private readonly long deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
    private int nextSubnet = 1;

    public async Task<ScaleResult> RunAsync(int[] points, BenchLimits limits)
    {
        var ids = new string?[points.Max()];
        var created = 0;
        var results = new List<ScalePoint>();
        var random = new Random(42);
        foreach (var point in points.Order())
        {
            var creates = new CreateTally();
            var start = Stopwatch.GetTimestamp();
            created = await GrowAsync(ids, created, point, creates);
            var createSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var live = ids.Take(created).Where(id => id is not null).Select(id => id!).ToArray();
            Console.Error.WriteLine($"  scale {point}: {live.Length} interfaces created ({creates.Errors} errors) in {createSeconds:F1}s");
            if (live.Length == 0)
            {
                Console.Error.WriteLine($"  stopping: no interface could be created; first error: {creates.First.Sample}");
                break;
            }

            // One copy at a time (keep(copies=1)), so one seeded source of ids serves every copy.
            var errors = new FirstError();
            var run = await ClosedLoop.RunAsync("describe-scale", 1, limits, (_, context) =>
            {
                var id = live[random.Next(live.Length)];
                return QueryWorkloads.DescribeAsync(ec2, context, ec2.Prepare("DescribeNetworkInterfaces", "NetworkInterfaceId.1=" + id), id, errors);
            });
            var stats = BenchStats.Of(run, "describe", errors, ClosedLoop.Unstepped(run));
            Console.Error.WriteLine($"  scale {point}: describe p50 {stats.P50Ms} ms p99 {stats.P99Ms} ms ({stats.RequestsPerSecond} req/s)");
            results.Add(new ScalePoint(
                live.Length,
                Math.Round(createSeconds, 2),
                Math.Round((live.Length - (results.LastOrDefault()?.Interfaces ?? 0)) / createSeconds, 1),
                creates.Errors,
                creates.First.Sample,
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
    private async Task<int> GrowAsync(string?[] ids, int from, int to, CreateTally tally)
    {
        while (subnets.Count * InterfacesPerSubnet < to)
        {
            // 10.0.0.0/16 belongs to the workload fixture; scale VPCs start at 10.1.0.0/16.
            var cidr = string.Create(CultureInfo.InvariantCulture, $"10.{nextSubnet++}.0.0/16");
            subnets.Add(await Ec2Fixture.CreateVpcAndSubnetAsync(ec2, cidr));
        }

        var next = from - 1;
        var creates = subnets.Select(s => ec2.Prepare("CreateNetworkInterface", "SubnetId=" + s)).ToArray();

        // A server that stops answering must not outlast the budget by more than a grace.
        var left = TimeSpan.FromSeconds(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
        using var hung = new CancellationTokenSource(left + TimeSpan.FromSeconds(30));
        var workers = Enumerable.Range(0, CreateConcurrency).Select(_ => Task.Run(async () =>
        {
            int slot;
            while ((slot = Interlocked.Increment(ref next)) < to)
            {
                // A server that refuses most creates (a quota, a bug) would only burn the time budget.
                if ((tally.Errors > 100 && tally.Errors * 2 > tally.Count) || Stopwatch.GetTimestamp() > deadline)
                {
                    return;
                }

                tally.Sent();
                try
                {
                    var reply = await QueryWorkloads.SendAsync(ec2, creates[slot / InterfacesPerSubnet], tally.First, hung.Token);
                    if (reply.IsOk)
                    {
                        ids[slot] = QueryXml.First(reply.Body, "networkInterfaceId");
                    }
                    else
                    {
                        tally.Failed();
                    }
                }
                catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or InvalidDataException or OperationCanceledException)
                {
                    tally.Failed();
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return to;
    }

    /// <summary>Creates sent and refused during one growth, shared by its workers.</summary>
    private sealed class CreateTally
    {
        private int count;
        private int errors;

        public int Count => Volatile.Read(ref count);

        public int Errors => Volatile.Read(ref errors);

        public FirstError First { get; } = new();

        public void Sent() => Interlocked.Increment(ref count);

        public void Failed() => Interlocked.Increment(ref errors);
    }
}
