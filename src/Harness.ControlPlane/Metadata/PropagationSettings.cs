using System.Collections.Immutable;
using Harness.Domain.Delays;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// How long changes take to reach instances' metadata. The most specific model wins: the interface's override,
/// then the instance's, then the kind of change's, then <see cref="Imds"/>. Settings apply to changes made after
/// they are set; changes already on their way keep their due times.
/// </summary>
/// <param name="Reorder">Lets one instance see its changes out of order (each draws its own due time). A newer change to the
/// same values still wins, so views converge either way.</param>
/// <param name="ForcedDetachStaysStale">A forced detach leaves the interface in the instance's metadata until it is stopped and
/// started, as EC2 documents (seed 004).</param>
public sealed record PropagationSettings(
    DelayModel Imds,
    ImmutableDictionary<string, DelayModel> Kinds,
    ImmutableDictionary<string, DelayModel> Instances,
    ImmutableDictionary<string, DelayModel> Interfaces,
    bool Reorder = false,
    bool ForcedDetachStaysStale = true)
{
    /// <summary>Seconds as a rule, tens of seconds now and then, as users report from real EC2 (IMDS.md).</summary>
    public const string DefaultSpec = "lognormal(median=2s,p99=20s)";

    public static PropagationSettings Default { get; } = Of(DelaySpec.Parse(DefaultSpec));

    public static PropagationSettings Of(DelayModel imds) => new(
        imds,
        ImmutableDictionary.Create<string, DelayModel>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DelayModel>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DelayModel>(StringComparer.Ordinal));

    public DelayModel ModelFor(string instanceId, string? networkInterfaceId, string kind) =>
        networkInterfaceId is not null && Interfaces.TryGetValue(networkInterfaceId, out var byInterface) ? byInterface
        : Instances.TryGetValue(instanceId, out var byInstance) ? byInstance
        : Kinds.TryGetValue(kind, out var byKind) ? byKind
        : Imds;
}
