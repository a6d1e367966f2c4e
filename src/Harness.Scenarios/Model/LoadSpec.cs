using Harness.Load.Workloads;

namespace Harness.Scenarios.Model;

/// <summary>
/// A workload of the load engine that runs beside the steps: a scenario's <c>load:</c> block, or one entry of its list.
/// It builds a fleet of its own through the same EC2 endpoint and drives it as <c>harness-load</c> would, so the
/// scenario's steps and clients meet a busy region.
/// </summary>
/// <param name="Workload">churn, pollers, describe-storm or mixed.</param>
/// <param name="Options">The options as written (the <c>harness-load</c> names), <c>workload</c> and <c>start</c> aside, in file order.</param>
/// <param name="Start">When it starts, from time zero (the end of set-up).</param>
/// <param name="Plan">The options read into a plan; its seed is the scenario's unless the block gives one.</param>
public sealed record LoadSpec(string Workload, IReadOnlyList<KeyValuePair<string, string>> Options, TimeSpan Start, LoadPlan Plan, SourceMark Mark)
{
    /// <summary>The block as one line, for progress and reports: <c>mixed, rate: 20, instances: 8</c>.</summary>
    public string Describe() => string.Join(", ", Options.Select(o => $"{o.Key}: {o.Value}").Prepend(Workload))
        + (Start > TimeSpan.Zero ? $", start: {Durations.Format(Start)}" : "");
}
