using System.Net.Sockets;
using System.Text.Json;
using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// <c>harness-load ec2-bench</c>: against any EC2 Query endpoint (the harness, moto), builds a fixture, then runs every
/// workload at every concurrency closed-loop through the load engine, then optionally the describe-scale sweep, and
/// writes what it measured as JSON for <c>ec2-report</c>. With <c>--versus</c>, a second endpoint gets its own fixture
/// and the two take turns cell by cell, <c>--rounds</c> times each, the median round standing for a cell. Exit 0 when every phase ran, 1 when one was cut short (what
/// was measured is still written, with the reason), 2 for bad arguments.
/// </summary>
internal static class Ec2BenchCommand
{
    public const string Usage =
        "usage: harness-load ec2-bench --target http://127.0.0.1:PORT/ [--label NAME] [--duration 10s] [--concurrency 1,8] [--warmup 1s] [--warm-pass 10s]\n" +
        "                              [--workloads assign-by-count,describe-by-id,reassign-ping-pong] [--describe-scale 100,1000,10000,100000]\n" +
        "                              [--scale-duration 3s] [--scale-budget 240s] [--json out.json]\n" +
        "                              [--versus http://127.0.0.1:PORT/ [--versus-label NAME] [--versus-duration 5s] [--versus-json out.json]] [--rounds 3]\n" +
        "       (--target and --versus take several URLs separated by commas: a harness cluster's processes, each call to the next)";

    private static readonly string[] Names =
        ["target", "label", "duration", "concurrency", "warmup", "warm-pass", "workloads", "describe-scale", "scale-duration", "scale-budget", "json",
         "versus", "versus-label", "versus-duration", "versus-json", "rounds"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("ec2-bench", args, Names, RunAsync);

    private static async Task<int> RunAsync(BenchOptions args)
    {
        // Several URLs: the processes of a harness cluster, each call to the next in turn.
        var target = args.RequireUrls("target");
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

        var rounds = args.GetInt("rounds", 1, min: 1, max: 99);
        IReadOnlyList<Uri>? versus = null;
        var versusLimits = limits with { Duration = args.GetDuration("versus-duration", limits.Duration) };
        if (args.Get("versus") is not null)
        {
            versus = args.RequireUrls("versus");
            if (versusLimits.Duration <= TimeSpan.Zero)
            {
                throw new BenchOptionException("--versus-duration must be longer than 0");
            }
        }
        else if (args.Get("versus-label") is not null || args.Get("versus-duration") is not null || args.Get("versus-json") is not null)
        {
            throw new BenchOptionException("--versus-label, --versus-duration and --versus-json need --versus URL");
        }

        using var first = new Side(args.Get("label", target[0].Authority), target, limits, args.Get("json"), concurrencies.Max());
        using var second = versus is null ? null : new Side(args.Get("versus-label", versus[0].Authority), versus, versusLimits, args.Get("versus-json"), concurrencies.Max());
        Side[] sides = second is null ? [first] : [first, second];

        // A server that fails drops out and the other goes on: what each measured is kept, with the refused exchange.
        foreach (var side in sides)
        {
            await side.TryAsync(side.SetUpAsync);
        }

        if (warmPass > TimeSpan.Zero)
        {
            foreach (var side in sides)
            {
                if (side.Failure is null)
                {
                    Console.Error.WriteLine($"[{side.Label}] warm pass: every workload at every concurrency for {warmPass.TotalSeconds:0.#} s, unmeasured");
                }

                foreach (var concurrency in concurrencies)
                {
                    foreach (var workload in workloads)
                    {
                        await side.TryAsync(() => side.RunAsync(workload, concurrency, new BenchLimits(warmPass, TimeSpan.Zero)));
                    }
                }
            }
        }

        // With a second server, the two take turns cell by cell (and round by round), so that both are measured on the
        // same machine: on a shared VM the speed of both drifts by tens of percent within minutes.
        foreach (var concurrency in concurrencies)
        {
            foreach (var workload in workloads)
            {
                var measured = sides.Select(_ => new List<(BenchStats Stats, BenchStats? Unassign)>()).ToList();
                for (var round = 1; round <= rounds; round++)
                {
                    for (var i = 0; i < sides.Length; i++)
                    {
                        var side = sides[i];
                        var cell = measured[i];
                        var of = rounds == 1 ? "" : $" round {round}/{rounds}";
                        await side.TryAsync(async () =>
                        {
                            var (stats, unassign) = await side.RunAsync(workload, concurrency, side.Limits);
                            cell.Add((stats, unassign));
                            Console.Error.WriteLine(
                                $"[{side.Label}] {workload,-20} c={concurrency}{of}: {stats.RequestsPerSecond,10:F1} req/s  p50 {stats.P50Ms:F3} ms  p99 {stats.P99Ms:F3} ms  max {stats.MaxMs:F3} ms  errors {stats.Errors}");
                            if (stats.FirstError is { } e)
                            {
                                Console.Error.WriteLine($"    first error: {e.Request} -> HTTP {e.Status} {e.Response}");
                            }
                        });
                    }
                }

                for (var i = 0; i < sides.Length; i++)
                {
                    if (measured[i].Count > 0)
                    {
                        sides[i].Results.Add(Median(workload, concurrency, measured[i]));
                    }
                }
            }
        }

        ScaleResult? scale = null;
        if (scalePoints.Length > 0)
        {
            var budget = args.GetDuration("scale-budget", TimeSpan.FromSeconds(240));
            await first.TryAsync(async () =>
            {
                Console.Error.WriteLine($"[{first.Label}] describe-scale {string.Join(" -> ", scalePoints)}");
                scale = await new DescribeScale(first.Api, budget).RunAsync(scalePoints, scaleLimits);
                Console.Error.WriteLine($"[{first.Label}] describe-scale p50 ratio {scale.P50Ratio}, p99 ratio {scale.P99Ratio}");
            });
        }

        for (var i = 0; i < sides.Length; i++)
        {
            var side = sides[i];
            var result = new Ec2BenchResult(
                side.Label, side.Target, side.Limits.Duration.TotalSeconds, warmPass.TotalSeconds, side.Results, i == 0 ? scale : null, side.Failure)
            {
                Rounds = rounds,
                Versus = sides.Length > 1 ? sides[1 - i].Label : null,
            };
            if (side.Output is not null)
            {
                await File.WriteAllTextAsync(side.Output, JsonSerializer.Serialize(result, BenchJson.Options));
            }
        }

        return sides.All(s => s.Failure is null) ? 0 : 1;
    }

    /// <summary>A cell measured in several rounds: the round with the median rate stands for it, with every round's rate beside it.</summary>
    private static WorkloadResult Median(string workload, int concurrency, List<(BenchStats Stats, BenchStats? Unassign)> rounds)
    {
        var median = rounds.OrderBy(r => r.Stats.RequestsPerSecond).ElementAt((rounds.Count - 1) / 2);
        return new WorkloadResult(workload, concurrency, median.Stats, median.Unassign)
        {
            RoundRates = rounds.Count > 1 ? [.. rounds.Select(r => r.Stats.RequestsPerSecond)] : null,
        };
    }

    /// <summary>One server under test: its client, fixture, settings, and what was measured on it.</summary>
    private sealed class Side(string label, IReadOnlyList<Uri> targets, BenchLimits limits, string? output, int connections) : IDisposable
    {
        private QueryWorkloads? runner;

        public string Label { get; } = label;

        /// <summary>The endpoint, or the cluster's endpoints separated by commas.</summary>
        public string Target { get; } = string.Join(",", targets);

        public BenchLimits Limits { get; } = limits;

        public string? Output { get; } = output;

        public Ec2Api Api { get; } = new(targets, connections);

        public List<WorkloadResult> Results { get; } = [];

        public string? Failure { get; set; }

        public async Task SetUpAsync()
        {
            Console.Error.WriteLine($"[{Label}] setting up fixture on {Target}");
            runner = new QueryWorkloads(Api, await Ec2Fixture.CreateAsync(Api, connections));
        }

        public Task<(BenchStats Primary, BenchStats? Secondary)> RunAsync(string workload, int concurrency, BenchLimits cell) =>
            (runner ?? throw new InvalidOperationException("no fixture yet")).RunAsync(workload, concurrency, cell);

        /// <summary>
        /// Runs <paramref name="work"/> unless this server already failed; a failure of the server or the exchange is
        /// recorded as this server's (the report shows the refused request instead of nothing) and ends its part.
        /// </summary>
        public async Task TryAsync(Func<Task> work)
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                await work();
            }
            catch (Exception ex) when (ex is BenchFailure or HttpRequestException or InvalidOperationException or IOException or SocketException
                or InvalidDataException or TimeoutException)
            {
                Failure = ex.Message;
                Console.Error.WriteLine($"[{Label}] FAILED: {ex.Message}");
            }
        }

        public void Dispose() => Api.Dispose();
    }
}
