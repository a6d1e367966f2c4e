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

    /// <summary>
    /// Whether EC2 requests must carry a valid signature by one of <see cref="Credentials"/> (<c>serve --verify-signatures</c>).
    /// Off by default: the facade then reads the region from the credential scope and trusts the rest.
    /// </summary>
    public bool VerifySignatures { get; init; }

    /// <summary>The access keys the harness knows, each with its secret (<c>serve --credentials</c>).</summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
