using System.Globalization;
using Harness.Domain.Clouds;
using Harness.Domain.Delays;
using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// Reads a <see cref="LoadPlan"/> from named options, the same names on the command line (<c>--rate 2000</c>) and in a
/// scenario's <c>load:</c> block (<c>rate: 2000</c>). Every problem is one plain sentence naming the option.
/// </summary>
public static class LoadPlanReader
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "duration", "rate", "load", "warm-up", "instances", "interfaces", "addresses-per-interface", "instance-type",
        "poll-interval", "describe-rate", "launch-rate", "max-concurrency", "delay", "seed", "settle",
    ];

    /// <param name="cloud">Whose API the run drives: it decides the instance types and the default one.</param>
    public static bool TryRead(string workload, IReadOnlyDictionary<string, string> options, out LoadPlan plan, out string problem, Cloud cloud = Cloud.Aws)
    {
        plan = null!;
        try
        {
            plan = Read(workload, options, cloud);
            problem = "";
            return true;
        }
        catch (FormatException error)
        {
            problem = error.Message;
            return false;
        }
    }

    private static LoadPlan Read(string workload, IReadOnlyDictionary<string, string> options, Cloud cloud)
    {
        if (!LoadPlan.Workloads.Contains(workload))
        {
            throw new FormatException($"unknown workload '{workload}'; the workloads are {string.Join(", ", LoadPlan.Workloads)}");
        }

        foreach (var name in options.Keys)
        {
            if (!Names.Contains(name))
            {
                throw new FormatException($"unknown option '{name}'; the options are {string.Join(", ", Names)}");
            }
        }

        var duration = Duration(options, "duration", TimeSpan.FromSeconds(60));
        var instances = Int(options, "instances", workload == LoadPlan.Pollers ? 50 : 100, 1, 1_000_000);
        var rate = Number(options, "rate", workload == LoadPlan.Pollers ? 50 : 200, 0.001, 1_000_000);
        IReadOnlyList<LoadSimulation> simulations;
        if (options.TryGetValue("load", out var load))
        {
            if (options.ContainsKey("rate") || options.ContainsKey("duration"))
            {
                throw new FormatException("give either load or rate and duration, not both: load states both");
            }

            try
            {
                simulations = LoadSimulation.Parse(load);
            }
            catch (DelaySpecException error)
            {
                throw new FormatException($"load: {error.Message}");
            }
        }
        else
        {
            simulations = [new LoadSimulation.Inject(rate, duration)];
        }

        var type = options.GetValueOrDefault("instance-type", TopologyOptions.DefaultInstanceType(cloud));
        var perInterface = Int(options, "addresses-per-interface", 2, 0, 49);
        var topology = new TopologyOptions(instances, Int(options, "interfaces", instances, 1, 10_000_000), perInterface, type) { Cloud = cloud };
        if (topology.Problem() is { } problem)
        {
            throw new FormatException(problem);
        }

        if (perInterface == 0 && workload is LoadPlan.Churn or LoadPlan.Mixed or LoadPlan.Pollers)
        {
            throw new FormatException($"{workload} moves floating addresses: addresses-per-interface must be at least 1");
        }

        TimeSpan? poll = workload is LoadPlan.Pollers or LoadPlan.Mixed || options.ContainsKey("poll-interval")
            ? Duration(options, "poll-interval", TimeSpan.FromSeconds(1))
            : null;
        if (workload == LoadPlan.DescribeStorm && poll is not null)
        {
            throw new FormatException("describe-storm changes nothing, so it has nothing to poll for: drop poll-interval");
        }

        if (workload != LoadPlan.Mixed && options.ContainsKey("describe-rate"))
        {
            throw new FormatException($"describe-rate is the describes beside a mixed run's churn; {workload} has none: drop it");
        }

        if (workload != LoadPlan.Mixed && options.ContainsKey("launch-rate"))
        {
            throw new FormatException($"launch-rate is the launches beside a mixed run's churn; {workload} has none: drop it");
        }

        if (poll is null && options.ContainsKey("settle"))
        {
            throw new FormatException("settle is how long pollers read after the last change, and this run has no pollers: drop it or add poll-interval");
        }

        var copies = simulations.Sum(s => s.IsOpen ? Math.Floor(s.StartedBy(s.During)) : s.PeakLevel);
        if (copies < 1)
        {
            throw new FormatException("this load starts no copy at all: raise the rate or the duration");
        }

        string? delay = null;
        if (options.TryGetValue("delay", out var spec))
        {
            try
            {
                delay = DelaySpec.Parse(spec).ToString();
            }
            catch (DelaySpecException error)
            {
                throw new FormatException($"delay: {error.Message}");
            }
        }

        var measured = simulations.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.During);
        return new LoadPlan(
            workload,
            // Only pollers care that the set-up has reached the metadata before the run starts.
            topology with { SettleMetadata = poll is null ? TimeSpan.Zero : topology.SettleMetadata },
            simulations,
            Duration(options, "warm-up", TimeSpan.FromSeconds(3), allowZero: true),
            poll,
            workload == LoadPlan.Mixed ? Number(options, "describe-rate", Math.Max(1, simulations.Max(s => s.PeakLevel) / 4), 0, 1_000_000) : 0,
            Int(options, "max-concurrency", 10_000, 1, 1_000_000),
            Int(options, "seed", 1, 0, int.MaxValue),
            delay,
            poll is null ? TimeSpan.Zero : Duration(options, "settle", measured < TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(10), allowZero: true))
        {
            LaunchRate = workload == LoadPlan.Mixed ? Number(options, "launch-rate", 0, 0, 10_000) : 0,
        };
    }

    private static TimeSpan Duration(IReadOnlyDictionary<string, string> options, string name, TimeSpan fallback, bool allowZero = false)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!TryParseDuration(text, out var value))
        {
            throw new FormatException($"{name} must be a duration such as 500ms, 30s or 2m, not '{text}'");
        }

        return value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero) ? value : throw new FormatException($"{name} must be longer than 0");
    }

    /// <summary>A duration as delay specs write them: <c>500ms</c>, <c>30s</c>, <c>2m</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        try
        {
            var reader = new DelaySpecReader(text);
            value = reader.ReadDuration(out _);
            reader.ExpectEnd();
            return true;
        }
        catch (DelaySpecException)
        {
            value = default;
            return false;
        }
    }

    private static int Int(IReadOnlyDictionary<string, string> options, string name, int fallback, int min, int max)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{name} must be a whole number from {min} to {max}, not '{text}'");
    }

    private static double Number(IReadOnlyDictionary<string, string> options, string name, double fallback, double min, double max)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{name} must be a number from {DelayFormat.Number(min)} to {DelayFormat.Number(max)}, not '{text}'");
    }
}
