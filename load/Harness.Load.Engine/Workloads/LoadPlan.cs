using Harness.Domain.Clouds;
using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// One load run, as the command line or a scenario's <c>load:</c> block states it.
/// </summary>
/// <param name="Workload">churn, pollers, describe-storm or mixed.</param>
/// <param name="Simulations">The load of the workload's driving scenario: churn's changes, pollers' paced changes, or the describes.</param>
/// <param name="PollInterval">How often each instance's poller reads; null runs no pollers (churn and describe-storm without --poll-interval).</param>
/// <param name="DescribeRate">Describes per second beside the churn in a mixed run.</param>
/// <param name="MaxConcurrency">The open model's ceiling on copies in flight per scenario.</param>
/// <param name="Delay">A delay model to set on the target before the run (<c>PUT /_harness/propagation</c>), or null to keep its own.</param>
/// <param name="Settle">How long the pollers go on reading after the last change, so that slow changes are seen rather than cut off.</param>
public sealed record LoadPlan(
    string Workload,
    TopologyOptions Topology,
    IReadOnlyList<LoadSimulation> Simulations,
    TimeSpan WarmUp,
    TimeSpan? PollInterval,
    double DescribeRate,
    int MaxConcurrency,
    int Seed,
    string? Delay,
    TimeSpan Settle)
{
    public const string Churn = "churn";
    public const string Pollers = "pollers";
    public const string DescribeStorm = "describe-storm";
    public const string Mixed = "mixed";

    public static IReadOnlyList<string> Workloads { get; } = [Churn, Pollers, DescribeStorm, Mixed];

    /// <summary>Instances launched and terminated per second beside a mixed run's churn (<see cref="LifecycleWorkload"/>); 0: none.</summary>
    public double LaunchRate { get; init; }

    /// <summary>Which cloud's API the run drives (<c>--cloud</c>): the fleet's, so it is <see cref="TopologyOptions.Cloud"/>.</summary>
    public Cloud Cloud => Topology.Cloud;

    /// <summary>The pollers run whenever there is an interval; the pollers and mixed workloads always have one.</summary>
    public bool HasPollers => PollInterval is not null;

    /// <summary>How long the measured phases take, warm-up excluded.</summary>
    public TimeSpan Duration => Simulations.Aggregate(TimeSpan.Zero, (sum, phase) => sum + phase.During);
}
