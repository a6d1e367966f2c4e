using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// A process's copy of the read model, reached from the grains of every other process of its cluster (an Orleans
/// observer: one object per process, no grain). It calls no grain, so a grain may await it inside its turn.
/// </summary>
public interface IReplicaObserver : IGrainObserver
{
    /// <summary>Applies one grain turn's changes, in order; returns once they are visible to this process's readers.</summary>
    Task ApplyAsync(ImmutableArray<ReadModelChange> changes);

    /// <summary>
    /// The cluster's processes from now on. Returns once every change this process was sending to the processes it knew
    /// before has arrived, so that a process that joins misses nothing: what it is not sent, its snapshot holds.
    /// </summary>
    Task MembersChangedAsync(ImmutableArray<ProcessRecord> processes);

    /// <summary>Propagation settings set through any process: in force here for changes made from now on.</summary>
    Task SettingsChangedAsync(PropagationSettingsText settings);

    /// <summary>Delivers every pending metadata change now (POST /_harness/propagation/flush on any process); how many.</summary>
    Task<int> FlushAsync();

    /// <summary>Puts a fault the world grain numbered in force here, for what is left of its duration.</summary>
    Task FaultAddedAsync(ClusterFault fault);

    /// <summary>Clears a fault here by id or name; whether it was in force.</summary>
    Task<bool> FaultRemovedAsync(string idOrName);

    /// <summary>Clears every fault here; how many were in force.</summary>
    Task<int> FaultsClearedAsync();

    /// <summary>A cluster's reset, first step: closes this process's gate and waits for its EC2 requests to leave (at most a minute); whether they did.</summary>
    Task<bool> CloseGateAsync();

    /// <summary>A cluster's reset, second step: empties this process's world and starts world <paramref name="generation"/>.</summary>
    Task ClearWorldAsync(long generation);

    /// <summary>A cluster's reset, last step (also after a failed one): lets EC2 requests in again.</summary>
    Task OpenGateAsync();

    /// <summary>Every entry of the current world's read model, for a process that joins.</summary>
    Task<ImmutableArray<ReadModelChange>> SnapshotAsync();
}
