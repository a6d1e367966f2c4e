using Harness.ControlPlane.Metadata;
using Harness.Domain.Faults;

namespace Harness.ControlPlane;

/// <summary>Settings of the simulated account.</summary>
public sealed record HarnessOptions
{
    /// <summary>Seeds every random choice (ids, MACs, zones, propagation delays), so a run can be replayed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>EC2's default quota of Elastic IPs per region.</summary>
    public int ElasticIpLimit { get; init; } = 5;

    public string AccountId { get; init; } = "123456789012";

    /// <summary>How changes reach instances' metadata at start, and after a reset.</summary>
    public PropagationSettings Propagation { get; init; } = PropagationSettings.Default;

    /// <summary>Faults in force from the start, and again after every reset (<c>serve --fault</c>).</summary>
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];

    /// <summary>How many timeline entries the harness keeps; older ones are dropped and counted.</summary>
    public int TimelineCapacity { get; init; } = 100_000;
}
