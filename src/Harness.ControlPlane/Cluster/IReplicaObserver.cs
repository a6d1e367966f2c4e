using System.Collections.Immutable;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.ReadModel;
using Orleans.Concurrency;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// A process's copy of the read model, reached from the grains of every other process of its cluster (an Orleans
/// observer: one object per process, no grain). It calls no grain, so a grain may await it inside its turn. Every method
/// interleaves: Orleans would otherwise hand an observer its calls one at a time, and a reset's close or a join's
/// members change, waiting for this process's sends, would hold up the applies those sends wait for. Order needs no
/// queue here: each entry's owning grain awaits one apply before it sends the next.
/// </summary>
public interface IReplicaObserver : IGrainObserver
{
    /// <summary>Applies one grain turn's changes, in order; returns once they are visible to this process's readers.</summary>
    [AlwaysInterleave]
    Task ApplyAsync(ImmutableArray<ReadModelChange> changes);

    /// <summary>
    /// The cluster's processes from now on. Returns once every change this process was sending to the processes it knew
    /// before has arrived, so that a process that joins misses nothing: what it is not sent, its snapshot holds.
    /// </summary>
    [AlwaysInterleave]
    Task MembersChangedAsync(ImmutableArray<ProcessRecord> processes);

    /// <summary>Propagation settings set through any process: in force here for changes made from now on.</summary>
    [AlwaysInterleave]
    Task SettingsChangedAsync(PropagationSettingsText settings);

    /// <summary>Delivers every pending metadata change now (POST /_harness/propagation/flush on any process); how many.</summary>
    [AlwaysInterleave]
    Task<int> FlushAsync();

    /// <summary>Puts a fault the world grain numbered in force here, for what is left of its duration.</summary>
    [AlwaysInterleave]
    Task FaultAddedAsync(ClusterFault fault);

    /// <summary>Clears a fault here by id or name; whether it was in force.</summary>
    [AlwaysInterleave]
    Task<bool> FaultRemovedAsync(string idOrName);

    /// <summary>Clears every fault here; how many were in force.</summary>
    [AlwaysInterleave]
    Task<int> FaultsClearedAsync();

    /// <summary>
    /// A cluster's reset, first step: closes this process's gate (EC2 requests arriving wait). It opens again by itself if
    /// no <see cref="OpenGateAsync"/> comes within a few minutes (the world grain's silo died mid-reset).
    /// </summary>
    [AlwaysInterleave]
    Task CloseGateAsync();

    /// <summary>Waits at most 20 s for the EC2 requests inside this process's closed gate to leave; whether they did.</summary>
    [AlwaysInterleave]
    Task<bool> DrainedAsync();

    /// <summary>A cluster's reset, second step: empties this process's world and starts world <paramref name="generation"/>.</summary>
    [AlwaysInterleave]
    Task ClearWorldAsync(long generation);

    /// <summary>A cluster's reset, last step (also after a failed one): lets EC2 requests in again.</summary>
    [AlwaysInterleave]
    Task OpenGateAsync();

    /// <summary>The clients registered on this process, as it shows them.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<ClientCard>> ClientsAsync();

    /// <summary>One client registered on this process and everything it did; null if it is not registered here.</summary>
    [AlwaysInterleave]
    Task<ClientRecords?> ClientAsync(string clientId);

    /// <summary>Marks the end of a client registered on this process; null if it is not registered here.</summary>
    [AlwaysInterleave]
    Task<ClientCard?> EndClientAsync(string clientId);

    /// <summary>Unregisters a client registered on this process; whether it was.</summary>
    [AlwaysInterleave]
    Task<bool> RemoveClientAsync(string clientId);

    /// <summary>Answers at once: whether a process the world grain read back from Redis is still there.</summary>
    [AlwaysInterleave]
    Task PingAsync();

    /// <summary>Every entry of the current world's read model, for a process that joins.</summary>
    Task<ImmutableArray<ReadModelChange>> SnapshotAsync();
}
