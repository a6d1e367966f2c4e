using System.Collections.Immutable;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// The cluster's one record of itself (key <see cref="Key"/>): which processes serve it, where, and the start settings
/// they all share. Every process joins it at start; one whose settings differ is refused. It calls no other grain.
/// </summary>
public interface IWorldGrain : IGrainWithStringKey
{
    const string Key = "world";

    /// <summary>
    /// Records the process (again, after a change of membership: idempotent), or says why it may not join.
    /// <paramref name="lastFaultNumber"/>: the highest fault number the process knows, so that numbering goes on past it.
    /// </summary>
    Task<JoinAnswer> JoinAsync(ProcessRecord process, StartSettings settings, int lastFaultNumber, long generation, byte[]? secret, int lastClientNumber);

    /// <summary>
    /// Empties the world on every process: every gate closed (each process's EC2 requests drained), then every world
    /// emptied and the next generation started, then every gate opened. False when requests were still inside somewhere
    /// after the drain limit.
    /// </summary>
    Task<bool> ResetAsync();

    /// <summary>Every process that joined, by silo address.</summary>
    Task<ImmutableArray<ProcessRecord>> ProcessesAsync();

    /// <summary>Puts propagation settings in force on every process (and on those that join later); returns once they are.</summary>
    Task SetPropagationAsync(PropagationSettingsText settings);

    /// <summary>Delivers every pending metadata change now on every process.</summary>
    Task FlushAsync();

    /// <summary>Numbers a fault and puts it in force on every process (and on those that join while it lasts).</summary>
    Task<FaultAnswer> AddFaultAsync(string spec, string? name, string source);

    /// <summary>Clears a fault by id or name on every process; whether one was in force.</summary>
    Task<bool> RemoveFaultAsync(string idOrName);

    /// <summary>Clears every fault on every process; how many were in force on the process that cleared the most.</summary>
    Task<int> ClearFaultsAsync();

    /// <summary>The next client registration's number: one numbering for the whole cluster, from 1 again after a reset.</summary>
    Task<int> NextClientNumberAsync();
}

/// <summary>
/// One <c>serve</c> process: its silo's address, where it serves the EC2 facade and the metadata service, and in a cluster
/// its copy of the read model (null with one silo: nothing to send to).
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record ProcessRecord(string Silo, string Ec2Endpoint, int ImdsPort, IReplicaObserver? Replica = null);

/// <summary>
/// The start settings that must be the same on every process of a cluster, each as a flag and its value: the same seed
/// must give the same ids and delays whichever process serves a call, and a reset restores the same settings everywhere.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record StartSettings(ImmutableArray<KeyValuePair<string, string>> Values)
{
    /// <summary><paramref name="state"/>: where grain state is kept (<c>--state</c>): a process that keeps none beside ones that
    /// do would leave stale records behind, which a later activation reads back.</summary>
    public static StartSettings Of(HarnessOptions options, string state = "memory") => new(
    [
        new("--state", state),
        new("--seed", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("--propagation", options.Propagation.Imds.ToString() ?? ""),
        new("--fault", string.Join(" ", options.Faults)),
        new("--terminated-retention", options.TerminatedRetention.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        new("--vcpu-limit", options.VcpuLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("--verify-signatures", options.VerifySignatures ? "on" : "off"),
        new("--credentials", string.Join(",", options.Credentials.Keys.Order(StringComparer.Ordinal))),
    ]);

    /// <summary>The first setting that differs, said for the process that differs: null when none does.</summary>
    public string? Difference(StartSettings cluster)
    {
        var theirs = cluster.Values.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (flag, mine) in Values)
        {
            var value = theirs.GetValueOrDefault(flag);
            if (!string.Equals(value, mine, StringComparison.Ordinal))
            {
                return $"{flag} is {Shown(mine)} here but {Shown(value)} in the cluster";
            }
        }

        return null;
    }

    private static string Shown(string? value) => value is null or "" ? "(none)" : $"'{value}'";
}

/// <summary>
/// Whether the process joined; if not, why (<see cref="Refusal"/>, one line for the user). <see cref="Propagation"/>: the
/// settings set since the cluster started, if any, for the process to take; <see cref="Faults"/>, the faults added since;
/// <see cref="Generation"/>, the world the cluster is in (one more per reset); <see cref="Secret"/>, the cluster's secret.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record JoinAnswer(
    string? Refusal, PropagationSettingsText? Propagation = null, ImmutableArray<ClusterFault> Faults = default, long Generation = 1, byte[]? Secret = null);

/// <summary>A fault added through the control API of a cluster: its spec as text, and when it was added (on real time).</summary>
[GenerateSerializer]
[Immutable]
public sealed record ClusterFault(string Id, string Name, string Spec, string Source, DateTimeOffset AddedAt, TimeSpan? For);

/// <summary>The fault put in force, or why not (its name is taken).</summary>
[GenerateSerializer]
[Immutable]
public sealed record FaultAnswer(ClusterFault? Fault, string? Refusal);
