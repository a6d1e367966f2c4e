using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Domain.Clouds;
using Harness.Load.Workloads;
using Harness.Scenarios.Model;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios.Parsing;

/// <summary>
/// <c>load:</c>, one workload (a mapping) or several (a list of mappings): <c>workload</c>, <c>start</c>, and the
/// options of <c>harness-load</c> under the same names, read by the same <see cref="LoadPlanReader"/> and reported in its
/// words, at the option they are about.
/// </summary>
public static partial class ScenarioParser
{
    private static List<LoadSpec> ReadLoadBlock(YamlReader reader, YamlNode key, YamlNode node, int seed, ClockMode clock, Cloud cloud)
    {
        if (clock == ClockMode.Virtual)
        {
            reader.Error(key, "load: runs its workloads in real time (a fleet of its own, real requests, real timers), which needs clock: real; "
                + "this run uses the virtual clock.");
        }

        IReadOnlyList<YamlNode> entries = node is YamlSequenceNode ? reader.Sequence(node, "'load'") : [node];
        if (entries.Count == 0)
        {
            reader.Error(node, "'load' lists no workload: give a mapping (workload: mixed, rate: 20, …) or a list of them.");
        }

        return [.. entries.Select(entry => ReadLoad(reader, entry, seed, cloud)).OfType<LoadSpec>()];
    }

    private static LoadSpec? ReadLoad(YamlReader reader, YamlNode node, int seed, Cloud cloud)
    {
        // Any key is taken here: the options are checked below, in LoadPlanReader's words.
        if (reader.Map(node, "a load block") is not { } map)
        {
            return null;
        }

        var errors = reader.Errors.Count;
        var workload = map.String("workload", required: true);
        var start = map.Duration("start") ?? TimeSpan.Zero;
        var options = new List<KeyValuePair<string, string>>();
        foreach (var name in map.Keys.Where(k => k is not ("workload" or "start")))
        {
            if (name == "delay")
            {
                reader.Error(map.KeyNode(name), "'delay' is not for a scenario's load: the scenario sets the delays (propagation: at the top, "
                    + "or a propagation step), and its load runs under them.");
            }
            else if (reader.Scalar(map[name]!, $"'{name}' in the load block") is { } value)
            {
                options.Add(new(name, value));
            }
        }

        if (workload is null || reader.Errors.Count > errors)
        {
            return null;
        }

        if (!LoadPlan.Workloads.Contains(workload))
        {
            LoadPlanReader.TryRead(workload, new Dictionary<string, string>(), out _, out var unknown, cloud);
            reader.Error(map["workload"]!, LoadProblem(unknown));
            return null;
        }

        // The reader stops at the first problem: take each bad option away in turn, so that every one is listed, each
        // found with the others in place (some are wrong only beside others: interfaces fewer than instances).
        var remaining = options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        remaining.TryAdd("seed", seed.ToString(CultureInfo.InvariantCulture));
        while (true)
        {
            if (LoadPlanReader.TryRead(workload, remaining, out var plan, out var problem, cloud))
            {
                return reader.Errors.Count > errors ? null : new LoadSpec(workload, options, start, plan, map.Mark);
            }

            var left = options.Where(o => remaining.ContainsKey(o.Key)).ToList();
            if (WrongAlone(workload, left, problem, cloud) is { } culprit)
            {
                reader.Error(LoadPlanReader.Names.Contains(culprit) ? map[culprit]! : map.KeyNode(culprit), LoadProblem(problem));
                remaining.Remove(culprit);
                continue;
            }

            // A clash between options: said once, at the first option it names (taking that one away could only mislead).
            var named = left.Select(o => o.Key).FirstOrDefault(name =>
                Regex.IsMatch(LoadProblem(problem), $@"(?<![\w-]){Regex.Escape(name)}(?![\w-])", RegexOptions.IgnoreCase));
            reader.Error(named is null ? map.Node : map[named]!, LoadProblem(problem));
            return null;
        }
    }

    /// <summary>The option that is wrong on its own, in the very words of <paramref name="problem"/>; null when none is.</summary>
    private static string? WrongAlone(string workload, List<KeyValuePair<string, string>> options, string problem, Cloud cloud) =>
        options.FirstOrDefault(o => !LoadPlanReader.TryRead(workload, new Dictionary<string, string> { [o.Key] = o.Value }, out _, out var alone, cloud)
            && alone == problem).Key;

    /// <summary>A LoadPlanReader problem as the parser's other errors read: a sentence, without the command line's dashes.</summary>
    private static string LoadProblem(string problem)
    {
        var text = CommandLineDashes().Replace(problem, "").Replace("; the options are ", " in the load block; the options are workload, start, ", StringComparison.Ordinal);
        return YamlReader.Sentence(text) + (text.EndsWith('.') ? "" : ".");
    }

    [GeneratedRegex(@"(?<!\S)--(?=[a-z])")]
    private static partial Regex CommandLineDashes();
}
