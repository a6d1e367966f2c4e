using System.Collections.Immutable;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Faults;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// Keeps this process's read model (<see cref="RegionDirectory"/>) the same as every other process's in a cluster. A
/// grain writes its views here as always, and before it replies, or calls another grain, it sends the changes of its turn
/// to the other processes and waits until each has applied them (<see cref="Grains.ReplicaFlushFilter"/>): a write acknowledged
/// anywhere is readable everywhere. Each entry has one owning grain, whose turns run one at a time, so every process
/// applies an entry's changes in the order they were made. With one silo there is nothing to send and nothing is kept.
/// </summary>
public sealed class ClusterReplicas(
    RegionDirectory regions, MetadataPropagation propagation, FaultBook faults, TimeProvider time, ClusterMode mode, IClusterMembershipService membership,
    WorldGate worldGate, IServiceProvider services)
    : IReplicaObserver
{
    /// <summary>How long a grain waits for another process to apply its changes before its call fails (a process that hangs).</summary>
    private static readonly TimeSpan ApplyPatience = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<long, int> sending = [];
    private readonly List<(long Version, TaskCompletionSource Done)> waiting = [];
    private Members members = new([], 0);

    /// <summary>Done once the world grain has told this process who the others are: a grain's sends wait for it.</summary>
    private readonly TaskCompletionSource listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SiloAddress? self;

    /// <summary>Entries a process joining has been sent while it waits for its snapshot: newer than the snapshot's.</summary>
    private HashSet<(long, string, ReadModelTable, string)>? touchedWhileJoining;

    public bool IsCluster => mode.IsCluster;

    /// <summary>Starts taking changes for the snapshot to come: call before the process joins the world grain.</summary>
    internal void BeginJoin(SiloAddress silo)
    {
        lock (gate)
        {
            self = silo;
            touchedWhileJoining = [];
        }
    }

    /// <summary>Applies another process's snapshot, except entries changed since this process joined, and ends the join.</summary>
    internal void EndJoin(ImmutableArray<ReadModelChange> snapshot)
    {
        lock (gate)
        {
            foreach (var change in snapshot)
            {
                if (touchedWhileJoining?.Contains(KeyOf(change)) != true)
                {
                    Apply(change);
                }
            }

            touchedWhileJoining = null;
        }
    }

    /// <summary>A live process of the cluster other than this one, to take a snapshot from; null if this one is alone.</summary>
    internal IReplicaObserver? AnyOther() => members.Others.FirstOrDefault(o => IsAlive(o.Silo)).Process?.Replica;

    /// <summary>Sends one turn's changes to every other live process and waits until each has applied them.</summary>
    public async Task SendAsync(ImmutableArray<ReadModelChange> changes)
    {
        if (!listed.Task.IsCompleted)
        {
            // A grain placed here before this process joined (its silo is in the cluster a moment before): its changes
            // must reach the others too, once they are known.
            await listed.Task.WaitAsync(ApplyPatience);
        }

        Members to;
        lock (gate)
        {
            to = members;
            sending[to.Version] = sending.GetValueOrDefault(to.Version) + 1;
        }

        try
        {
            var live = to.Others.Where(o => IsAlive(o.Silo)).ToList();
            if (live.Count > 0)
            {
                await Task.WhenAll(live.Select(o => o.Process.Replica!.ApplyAsync(changes).WaitAsync(ApplyPatience)));
            }
        }
        finally
        {
            lock (gate)
            {
                if (--sending[to.Version] == 0)
                {
                    sending.Remove(to.Version);
                }

                ReleaseWaiters();
            }
        }
    }

    /// <summary>
    /// What a grain read back from its record after its process died: applied here as another process's changes are (so
    /// this process's metadata learns what differs) and sent to every other process. Changes that were kept but never sent
    /// (the process died in between) reach everyone now; the rest change nothing.
    /// </summary>
    internal async Task RepublishAsync(ImmutableArray<ReadModelChange> changes)
    {
        await ApplyAsync(changes);
        if (IsCluster)
        {
            await SendAsync(changes);
        }
    }

    public Task ApplyAsync(ImmutableArray<ReadModelChange> changes)
    {
        if (Volatile.Read(ref touchedWhileJoining) is not null)
        {
            lock (gate)
            {
                foreach (var change in changes)
                {
                    touchedWhileJoining?.Add(KeyOf(change));
                    Apply(change);
                }
            }

            return Task.CompletedTask;
        }

        foreach (var change in changes)
        {
            Apply(change);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Applies one change and tells this process's metadata what the owning grain told its own: so every process
    /// schedules the same changes for each instance, with the same seeded delays, and serves its metadata.
    /// </summary>
    private void Apply(ReadModelChange change)
    {
        if (change.Generation > regions.Generation)
        {
            // Sent from a newer world: this process joined after a reset and has not taken the cluster's number yet.
            AdoptWorld(change.Generation);
        }

        var state = regions.Get(change.Generation, change.Region);
        if (state.Generation != regions.Generation)
        {
            // A world before a reset: nothing reads it, and its instances have no metadata any more.
            state.Apply(change.Table, change.Key, change.Value);
            return;
        }

        switch (change.Table)
        {
            case ReadModelTable.NetworkInterfaces:
                var before = state.NetworkInterfaces.GetValueOrDefault(change.Key);
                state.Apply(change.Table, change.Key, change.Value);
                propagation.InterfaceChanged(state.Name, before, (NetworkInterfaceView?)change.Value);
                break;
            case ReadModelTable.Subnets:
                var was = state.Subnets.GetValueOrDefault(change.Key);
                state.Apply(change.Table, change.Key, change.Value);
                if (Touched(was, (SubnetView?)change.Value) is { Count: > 0 } touched)
                {
                    propagation.AddressesChanged(state.Name, touched);
                }

                break;
            case ReadModelTable.Instances:
                state.Apply(change.Table, change.Key, change.Value);
                if (change.Value is null)
                {
                    propagation.InstanceRemoved(change.Key);
                }
                else
                {
                    propagation.InstanceChanged(state.Name, change.Key);
                }

                break;
            case ReadModelTable.ForcedDetaches:
                var slash = change.Key.IndexOf('/', StringComparison.Ordinal);
                var (instanceId, networkInterfaceId) = (change.Key[..slash], change.Key[(slash + 1)..]);
                if (change.Value is true)
                {
                    propagation.ExpectForcedDetach(instanceId, networkInterfaceId);
                }
                else
                {
                    propagation.CancelForcedDetach(instanceId, networkInterfaceId);
                }

                break;
            default:
                state.Apply(change.Table, change.Key, change.Value);
                break;
        }
    }

    /// <summary>The interfaces whose addresses differ between two views of a subnet (compared by value: the views crossed the wire).</summary>
    private static List<string> Touched(SubnetView? before, SubnetView? after)
    {
        var old = before?.Interfaces ?? ImmutableDictionary<string, InterfaceAddresses>.Empty;
        var now = after?.Interfaces ?? ImmutableDictionary<string, InterfaceAddresses>.Empty;
        var touched = new List<string>();
        foreach (var (id, addresses) in now)
        {
            if (!old.TryGetValue(id, out var previous) || !Same(previous, addresses))
            {
                touched.Add(id);
            }
        }

        touched.AddRange(old.Keys.Where(id => !now.ContainsKey(id)));
        return touched;
    }

    private static bool Same(InterfaceAddresses a, InterfaceAddresses b) =>
        a.Primary == b.Primary && a.Secondaries.SequenceEqual(b.Secondaries) && a.Prefixes.SequenceEqual(b.Prefixes)
        && a.Bindings.Count == b.Bindings.Count && a.Bindings.All(x => b.Bindings.TryGetValue(x.Key, out var y) && x.Value == y);

    public Task MembersChangedAsync(ImmutableArray<ProcessRecord> processes)
    {
        TaskCompletionSource? drained = null;
        lock (gate)
        {
            // Only membership takes a process off the list: a world grain that lost its record (its silo died) hears from the
            // survivors one at a time, and a process dropped meanwhile would miss changes for good.
            var others = members.Others.Select(o => o.Process)
                .Concat(processes)
                .Where(p => p.Replica is not null && p.Silo != self?.ToParsableString())
                .DistinctBy(p => p.Silo)
                .Select(p => (p, SiloAddress.FromParsableString(p.Silo)))
                .Where(o => IsAlive(o.Item2))
                .ToImmutableArray();
            members = new Members(others, members.Version + 1);
            listed.TrySetResult();
            if (sending.Keys.Any(v => v < members.Version))
            {
                drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiting.Add((members.Version, drained));
            }
        }

        return drained?.Task ?? Task.CompletedTask;
    }

    public Task SettingsChangedAsync(PropagationSettingsText settings)
    {
        propagation.Settings = settings.ToSettings();
        return Task.CompletedTask;
    }

    public Task<int> FlushAsync() => Task.FromResult(propagation.Flush());

    public Task FaultAddedAsync(ClusterFault fault)
    {
        var left = fault.For - (time.GetUtcNow() - fault.AddedAt);
        if (left is not { } remaining || remaining > TimeSpan.Zero)
        {
            faults.AddAs(fault.Id, fault.Name, FaultSpec.Parse(fault.Spec), fault.Source, left);
        }

        return Task.CompletedTask;
    }

    public Task<bool> FaultRemovedAsync(string idOrName) => Task.FromResult(faults.Remove(idOrName));

    public Task<int> FaultsClearedAsync() => Task.FromResult(faults.All.Count(f => faults.Remove(f.Id)));

    /// <summary>How long this process's gate stays closed at most when the world grain never opens it (its silo died mid-reset).</summary>
    private static readonly TimeSpan GateAutoOpen = WorldGate.DrainLimit + TimeSpan.FromMinutes(1);

    public Task CloseGateAsync() => worldGate.CloseAsync(GateAutoOpen);

    public Task<bool> DrainedAsync() => worldGate.WaitDrainedAsync(TimeSpan.FromSeconds(20));

    public Task ClearWorldAsync(long generation)
    {
        // Resolved when needed: the reset service itself depends on what this one is built from.
        services.GetRequiredService<ControlPlaneReset>().ClearWorld(generation);
        return Task.CompletedTask;
    }

    public Task OpenGateAsync()
    {
        worldGate.Open();
        return Task.CompletedTask;
    }

    /// <summary>Takes the cluster's world number and count of resets: a process that joins after a reset.</summary>
    internal void AdoptWorld(long generation)
    {
        regions.StartWorld(generation);
        propagation.AdoptGeneration(generation - 1);
    }

    public Task PingAsync() => Task.CompletedTask;

    public Task<ImmutableArray<ClientCard>> ClientsAsync() =>
        Task.FromResult(Cards is { } cards ? Taps.All.Select(t => cards.Card(t, null)).ToImmutableArray() : []);

    public Task<ClientRecords?> ClientAsync(string clientId) =>
        Task.FromResult(Taps.TryGet(clientId, out var tap) && Cards is { } cards ? Records(tap, cards.Card(tap, null)) : null);

    public Task<ClientCard?> EndClientAsync(string clientId)
    {
        if (!Taps.TryGet(clientId, out var tap) || Cards is not { } cards)
        {
            return Task.FromResult<ClientCard?>(null);
        }

        tap.End(time.GetUtcNow());
        return Task.FromResult<ClientCard?>(cards.Card(tap, null));
    }

    public Task<bool> RemoveClientAsync(string clientId) => Task.FromResult(Taps.Remove(clientId));

    /// <summary>A client's card with everything it did.</summary>
    internal static ClientRecords Records(ClientTap tap, ClientCard card)
    {
        var (records, dropped) = tap.Snapshot();
        return new ClientRecords(card, [.. records], dropped);
    }

    /// <summary>The other live processes' copies, for what a process asks all of them (the clients registered on each).</summary>
    internal IEnumerable<IReplicaObserver> LiveOthers() => members.Others.Where(o => IsAlive(o.Silo)).Select(o => o.Process.Replica!);

    // Resolved when needed: the host makes client cards (it knows the endpoints), and the taps are built after this.
    private ClientTaps Taps => services.GetRequiredService<ClientTaps>();

    private IClientCards? Cards => services.GetService<IClientCards>();

    public Task<ImmutableArray<ReadModelChange>> SnapshotAsync() =>
        Task.FromResult(regions.All.SelectMany(r => r.Entries()).ToImmutableArray());

    /// <summary>Not declared dead and not leaving: a process shutting down takes no more changes (it would fail the write that sends them).</summary>
    private bool IsAlive(SiloAddress silo) =>
        !membership.CurrentSnapshot.Members.TryGetValue(silo, out var member)
        || member.Status is not (SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping);

    private void ReleaseWaiters()
    {
        for (var i = waiting.Count - 1; i >= 0; i--)
        {
            var (version, done) = waiting[i];
            if (!sending.Keys.Any(v => v < version))
            {
                done.TrySetResult();
                waiting.RemoveAt(i);
            }
        }
    }

    private static (long, string, ReadModelTable, string) KeyOf(ReadModelChange change) => (change.Generation, change.Region, change.Table, change.Key);

    private sealed record Members(ImmutableArray<(ProcessRecord Process, SiloAddress Silo)> Others, long Version);
}
