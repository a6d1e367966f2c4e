using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Harness.Load.Engine;
using Harness.Load.Workloads;

namespace Harness.Load;

/// <summary>One stage of the scale benchmark: what was created, how fast, what the harness then held, and how a lookup by id fared.</summary>
internal sealed record ScaleStage(
    int Instances,
    long Addresses,
    double CreateSeconds,
    double InstancesPerSecond,
    double AddressesPerSecond,
    double RssMiB,
    double PeakRssMiB,
    double DescribeRequestsPerSecond,
    double DescribeP50Ms,
    double DescribeP99Ms,
    long DescribeFailures);

/// <summary>
/// <c>scale</c>: grows a fleet through the EC2 API in stages (by default 1,000, 10,000 and 100,000 instances with ten
/// secondary addresses on each interface, so the last stage holds a million), and after each stage measures the
/// harness's resident memory (from /proc of <c>--harness-pid</c>) and DescribeNetworkInterfaces by id across
/// everything created so far, to show whether a lookup stays flat as the fleet grows.
/// </summary>
internal static class ScaleCommand
{
    public const string Usage =
        "usage: harness-load scale --target URL --harness-pid PID [--stages 1000,10000,100000] [--addresses-per-interface 10] [--describe-for 5s] [--json FILE] [--control-token TOKEN]";

    private static readonly string[] Names = ["target", "harness-pid", "stages", "addresses-per-interface", "describe-for", "json", "control-token"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (!LoadCommand.TryReadOptions(args, out var options, out var problem)
            || !LoadCommand.TryKnown("scale", options, Names, out problem)
            || !TryRead(options, out var target, out var pid, out var stages, out var perInterface, out var describeFor, out var json, out problem))
        {
            await Console.Error.WriteLineAsync($"harness-load scale: {problem}");
            return 2;
        }

        try
        {
            var token = options.GetValueOrDefault("control-token") ?? Environment.GetEnvironmentVariable("HARNESS_CONTROL_TOKEN");
            return await RunStagesAsync(target, pid, stages, perInterface, describeFor, json, token is { Length: > 0 } ? token : null);
        }
        catch (Exception error) when (LoadCommand.IsTargetTrouble(error) || error is LoadSetupException)
        {
            await Console.Error.WriteLineAsync($"harness-load scale: {target}: {error.Message}");
            return 1;
        }
    }

    private static async Task<int> RunStagesAsync(Uri target, int pid, int[] stages, int perInterface, TimeSpan describeFor, string? json, string? controlToken)
    {
        using var ec2 = new Ec2Api(target, 16, controlToken);
        var fleet = new List<SimInstance>();
        var addresses = 0L;
        var rows = new List<ScaleStage>();
        Console.WriteLine("| instances | secondary addresses | stage created in | instances/s | addresses/s | harness RSS | peak RSS | describe by id req/s | p50 | p99 | failures |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var stage in stages)
        {
            var grow = stage - fleet.Count;
            var clock = Stopwatch.StartNew();
            var topology = await TopologyBuilder.BuildAsync(
                ec2, new TopologyOptions(grow, grow, perInterface, Parallel: 8) { SettleMetadata = TimeSpan.Zero }, line => Console.Error.WriteLine(line), CancellationToken.None);
            var seconds = clock.Elapsed.TotalSeconds;
            fleet.AddRange(topology.Instances);
            addresses += topology.Addresses.Count;
            var (rss, peak) = Rss(pid);
            var everything = new Topology(fleet, [], hasMetadata: false);
            var describe = new DescribeStormWorkload(ec2, everything, byIdOnly: true)
                .Scenario(LoadSimulation.Parse($"keep(copies=4,during={(int)describeFor.TotalMilliseconds}ms)"), TimeSpan.FromSeconds(1), 4);
            var run = await LoadEngine.RunAsync([describe], LoadEngineOptions.Default, TimeProvider.System);
            var step = run.Scenarios[0].Steps.Single();
            var row = new ScaleStage(
                fleet.Count, addresses, Math.Round(seconds, 1), Math.Round(grow / seconds), Math.Round(topology.Addresses.Count / seconds),
                rss, peak, Math.Round(step.Count / run.Elapsed.TotalSeconds), step.Latency.ValueAt(0.5) / 1000.0, step.Latency.ValueAt(0.99) / 1000.0, step.Failed);
            rows.Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Instances:N0} | {row.Addresses:N0} | {row.CreateSeconds:0.0} s | {row.InstancesPerSecond:N0} | {row.AddressesPerSecond:N0} | {row.RssMiB:N0} MiB | {row.PeakRssMiB:N0} MiB | {row.DescribeRequestsPerSecond:N0} | {row.DescribeP50Ms:0.00} ms | {row.DescribeP99Ms:0.00} ms | {row.DescribeFailures} |"));
        }

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        }

        return rows.All(r => r.DescribeFailures == 0) ? 0 : 1;
    }

    private static bool TryRead(
        Dictionary<string, string> options, out Uri target, out int pid, out int[] stages, out int perInterface, out TimeSpan describeFor, out string? json, out string problem)
    {
        target = null!;
        pid = 0;
        stages = [];
        perInterface = 10;
        describeFor = TimeSpan.FromSeconds(5);
        problem = "";
        json = options.GetValueOrDefault("json");
        if (!options.TryGetValue("target", out var text) || !Uri.TryCreate(text, UriKind.Absolute, out target!) || target.Scheme is not ("http" or "https"))
        {
            problem = "--target URL of a running harness is required (its memory is what is measured)";
            return false;
        }

        if (!options.TryGetValue("harness-pid", out var pidText) || !int.TryParse(pidText, CultureInfo.InvariantCulture, out pid) || !File.Exists($"/proc/{pid}/status"))
        {
            problem = "--harness-pid must be the running harness's process id";
            return false;
        }

        var parsed = options.GetValueOrDefault("stages", "1000,10000,100000").Split(',').Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        if (parsed.Any(n => n < 1) || parsed.Zip(parsed.Skip(1)).Any(p => p.Second <= p.First))
        {
            problem = "--stages must be rising whole numbers of instances, such as 1000,10000,100000";
            return false;
        }

        stages = parsed;
        if (options.TryGetValue("addresses-per-interface", out var per) && (!int.TryParse(per, CultureInfo.InvariantCulture, out perInterface) || perInterface is < 0 or > 14))
        {
            problem = "--addresses-per-interface must be 0 to 14 (m5.xlarge holds 15 addresses per interface)";
            return false;
        }

        if (options.TryGetValue("describe-for", out var d) && !(LoadPlanReader.TryParseDuration(d, out describeFor) && describeFor > TimeSpan.Zero))
        {
            problem = "--describe-for must be a duration such as 5s";
            return false;
        }

        return true;
    }

    /// <summary>Resident and peak resident memory of a process, in MiB, from /proc.</summary>
    private static (double Rss, double Peak) Rss(int pid)
    {
        double Field(string name) => File.ReadLines($"/proc/{pid}/status")
            .Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => double.Parse(l[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024)
            .FirstOrDefault();
        return (Math.Round(Field("VmRSS:")), Math.Round(Field("VmHWM:")));
    }
}
