using System.Collections.Immutable;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;

namespace Harness.ControlPlane.Cluster;

/// <summary>Propagation settings as the specs a user writes (what GET /_harness/propagation shows): how they cross to the other processes.</summary>
[GenerateSerializer]
[Immutable]
public sealed record PropagationSettingsText(
    string Imds, ImmutableDictionary<string, string> Kinds, ImmutableDictionary<string, string> Instances,
    ImmutableDictionary<string, string> Interfaces, bool Reorder, bool ForcedDetachStaysStale)
{
    public static PropagationSettingsText Of(PropagationSettings s) =>
        new(s.Imds.ToString()!, Specs(s.Kinds), Specs(s.Instances), Specs(s.Interfaces), s.Reorder, s.ForcedDetachStaysStale);

    public PropagationSettings ToSettings() => new(
        DelaySpec.Parse(Imds), Models(Kinds), Models(Instances), Models(Interfaces), Reorder, ForcedDetachStaysStale);

    private static ImmutableDictionary<string, string> Specs(ImmutableDictionary<string, DelayModel> models) =>
        models.ToImmutableDictionary(p => p.Key, p => p.Value.ToString()!, StringComparer.Ordinal);

    private static ImmutableDictionary<string, DelayModel> Models(ImmutableDictionary<string, string> specs) =>
        specs.ToImmutableDictionary(p => p.Key, p => DelaySpec.Parse(p.Value), StringComparer.Ordinal);
}
