using Harness.ControlPlane.Metadata;
using Harness.Domain.Faults;

namespace Harness.ControlPlane;

/// <summary>Settings of the simulated account.</summary>
public sealed record HarnessOptions
{
    /// <summary>The default of <see cref="VcpuLimit"/>.</summary>
    public const int DefaultVcpuLimit = 1152;

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
    /// How long a terminated instance is still listed (EC2: about an hour) before the harness forgets it everywhere:
    /// Describe*, the control API, its metadata and its loopback address (<c>serve --terminated-retention</c>).
    /// </summary>
    public TimeSpan TerminatedRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// vCPUs that running instances may hold per region and instance bucket (<c>serve --vcpu-limit</c>). 1,152 is the
    /// quota of Running On-Demand Standard instances that established accounts got when EC2 moved to vCPU limits;
    /// new accounts often start lower.
    /// </summary>
    public int VcpuLimit { get; init; } = DefaultVcpuLimit;

    /// <summary>
    /// Whether EC2 requests must carry a valid signature by one of <see cref="Credentials"/> (<c>serve --verify-signatures</c>).
    /// Off by default: the facade then reads the region from the credential scope and trusts the rest.
    /// </summary>
    public bool VerifySignatures { get; init; }

    /// <summary>The access keys the harness knows, each with its secret (<c>serve --credentials</c>).</summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
