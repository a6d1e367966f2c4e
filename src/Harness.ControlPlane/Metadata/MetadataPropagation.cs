using System.Collections.Concurrent;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// Carries control-plane changes to instances' metadata views after a delay drawn per instance and kind of change.
/// Grains report what they published; the scheduler re-projects each affected instance from the read side, diffs
/// it against what it last projected, and queues the difference. One timer on <see cref="TimeProvider"/> fires at
/// the earliest due time. All of its state is behind one lock; the views it publishes are read without one.
/// </summary>
public sealed partial class MetadataPropagation : IDisposable
{
    private readonly Lock gate = new();
    private readonly RegionDirectory regions;
    private readonly HarnessOptions options;
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly Dictionary<string, InstanceTrack> tracks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MetadataSlot> slotsById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, MetadataSlot> slotsByAddress = new();
    private readonly PriorityQueue<PendingChange, (long DueTicks, long Sequence)> queue = new();
    private readonly Queue<PendingChange> timeline = new();
    private PropagationSettings settings;
    private long sequence;
    private long droppedEvents;
    private uint nextAddressIndex;
    private long armedTicks = long.MaxValue;

    public MetadataPropagation(RegionDirectory regions, HarnessOptions options, TimeProvider time)
    {
        this.regions = regions;
        this.options = options;
        this.time = time;
        settings = options.Propagation;
        timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public PropagationSettings Settings
    {
        get => Volatile.Read(ref settings);
        set => Volatile.Write(ref settings, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The instance whose metadata is served at <paramref name="address"/> (an address in 127.0.0.0/8).</summary>
    public bool TryGetByAddress(uint address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MetadataSlot? slot) =>
        slotsByAddress.TryGetValue(address, out slot);

    public bool TryGetByInstanceId(string instanceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MetadataSlot? slot) =>
        slotsById.TryGetValue(instanceId, out slot);

    public IEnumerable<MetadataSlot> Slots => slotsById.Values;

    /// <summary>An instance's published view changed (launch, lifecycle, attachments).</summary>
    internal void InstanceChanged(string region, string instanceId)
    {
        lock (gate)
        {
            Reconcile(region, instanceId, forcedDetach: null);
            Settle();
        }
    }

    /// <summary>An interface's view changed; the instances it was and is attached to may show something new.</summary>
    internal void InterfaceChanged(string region, NetworkInterfaceView? before, NetworkInterfaceView? after, bool forcedDetach = false)
    {
        var was = before?.Attachment?.InstanceId;
        var now = after?.Attachment?.InstanceId;
        if (was is null && now is null)
        {
            return;
        }

        lock (gate)
        {
            if (was is not null)
            {
                Reconcile(region, was, forcedDetach ? before!.NetworkInterfaceId : null);
            }

            if (now is not null && now != was)
            {
                Reconcile(region, now, forcedDetach: null);
            }

            Settle();
        }
    }

    /// <summary>A subnet changed the addresses of these interfaces. Unattached ones concern no instance and cost no lock.</summary>
    internal void AddressesChanged(string region, IEnumerable<string> networkInterfaceIds)
    {
        // Read after the subnet published: if an attach lands in between, its own report re-projects with these addresses.
        var state = regions.Get(region);
        List<string>? instances = null;
        foreach (var id in networkInterfaceIds)
        {
            if (state.NetworkInterfaces.TryGetValue(id, out var nic) && nic.Attachment?.InstanceId is { } instanceId)
            {
                (instances ??= []).Add(instanceId);
            }
        }

        if (instances is null)
        {
            return;
        }

        lock (gate)
        {
            foreach (var instanceId in instances.Distinct())
            {
                Reconcile(region, instanceId, forcedDetach: null);
            }

            Settle();
        }
    }

    /// <summary>A launch was undone: the instance never existed, so neither does its metadata.</summary>
    internal void InstanceRemoved(string instanceId)
    {
        lock (gate)
        {
            if (tracks.Remove(instanceId, out var track))
            {
                slotsById.TryRemove(instanceId, out _);
                slotsByAddress.TryRemove(track.Slot.Address, out _);
                foreach (var change in track.Waiting)
                {
                    change.Status = "superseded";
                }
            }
        }
    }

    /// <summary>Applies every change still on its way, "never" ones included, as if all were due now.</summary>
    public int Flush()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var applied = 0;
            while (queue.TryDequeue(out var change, out _))
            {
                applied += Deliver(change, now) ? 1 : 0;
            }

            foreach (var track in tracks.Values)
            {
                foreach (var change in track.Waiting.Where(c => c.Status == "never").ToList())
                {
                    applied += Deliver(change, now) ? 1 : 0;
                }

                track.DropSeen();

                // Nothing is in flight any more: a later change must not wait behind a due time that has been skipped.
                track.LastDue = now;
            }

            Arm(now);
            return applied;
        }
    }

    /// <summary>Forgets every instance and event and restores the settings the harness started with.</summary>
    public void Reset()
    {
        lock (gate)
        {
            tracks.Clear();
            slotsById.Clear();
            slotsByAddress.Clear();
            queue.Clear();
            timeline.Clear();
            sequence = 0;
            droppedEvents = 0;
            nextAddressIndex = 0;
            settings = options.Propagation;
            Arm(time.GetUtcNow());
        }
    }

    public void Dispose() => timer.Dispose();

    private void OnTimer()
    {
        lock (gate)
        {
            armedTicks = long.MaxValue;
            Settle();
        }
    }

    /// <summary>Delivers what is due and arms the timer for the next due time. Called under the lock.</summary>
    private void Settle()
    {
        var now = time.GetUtcNow();
        while (queue.TryPeek(out var change, out var due) && due.DueTicks <= now.UtcTicks)
        {
            queue.Dequeue();
            Deliver(change, now);
        }

        Arm(now);
    }

    private void Arm(DateTimeOffset now)
    {
        if (!queue.TryPeek(out _, out var next))
        {
            if (armedTicks != long.MaxValue)
            {
                timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                armedTicks = long.MaxValue;
            }

            return;
        }

        if (next.DueTicks == armedTicks)
        {
            return;
        }

        // The exact wait, so a fake clock delivers at the due tick. A real timer truncates to whole milliseconds and
        // may fire a little early; that only re-arms, and a wait under a millisecond becomes one rather than a spin.
        var wait = TimeSpan.FromTicks(next.DueTicks - now.UtcTicks);
        if (wait < TimeSpan.FromMilliseconds(1))
        {
            wait = TimeSpan.FromMilliseconds(1);
        }

        armedTicks = next.DueTicks;
        timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private bool Deliver(PendingChange change, DateTimeOffset now)
    {
        if (!change.IsWaiting || !tracks.TryGetValue(change.InstanceId, out var track))
        {
            return false;
        }

        var view = track.Apply(track.Slot.View, change);
        if (view is null)
        {
            change.Status = "superseded";
        }
        else
        {
            track.Slot.View = view;
            change.Status = "applied";
            change.SeenAt = now;
        }

        track.DropSeen();
        return view is not null;
    }

    private void Reconcile(string region, string instanceId, string? forcedDetach)
    {
        var state = regions.Get(region);
        if (!state.Instances.TryGetValue(instanceId, out var instance))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!tracks.TryGetValue(instanceId, out var track))
        {
            var identity = MetadataProjection.IdentityOf(state, instance, options.AccountId);
            var launched = MetadataProjection.Project(state, instance, identity);
            var slot = new MetadataSlot(instanceId, region, AddressAt(nextAddressIndex++), launched);
            track = new InstanceTrack(region, identity, launched, slot) { LastDue = now };
            tracks[instanceId] = track;
            slotsById[instanceId] = slot;
            slotsByAddress[slot.Address] = slot;
            var boot = new PendingChange(++sequence, instanceId, new MetadataDelta(MetadataChangeKinds.InstanceLaunched, null, null, "", null, null), now)
            {
                DueAt = now, SeenAt = now, Status = "applied",
            };
            Log(boot);
            return;
        }

        var desired = MetadataProjection.Project(state, instance, track.Identity);
        var deltas = MetadataDiff.Between(track.Desired, desired);
        track.Desired = desired;
        foreach (var delta in deltas)
        {
            Schedule(track, delta, now, forcedDetach);
        }
    }

    private void Schedule(InstanceTrack track, MetadataDelta delta, DateTimeOffset now, string? forcedDetach)
    {
        var current = Settings;
        var change = new PendingChange(++sequence, track.Slot.InstanceId, delta, now);
        Log(change);
        if (delta.Kind == MetadataChangeKinds.InterfaceDetached && delta.NetworkInterfaceId == forcedDetach && current.ForcedDetachStaysStale)
        {
            change.Status = "stale";
            return;
        }

        var model = current.ModelFor(track.Slot.InstanceId, delta.NetworkInterfaceId, delta.Kind);
        var delay = model.Sample(SeededRandom.For(options.Seed, track.Slot.InstanceId, track.Draws++));
        track.Waiting.Enqueue(change);
        if (delay is null)
        {
            change.Status = "never";
            return;
        }

        var due = now + delay.Value;
        if (!current.Reorder && due < track.LastDue)
        {
            due = track.LastDue;
        }

        track.LastDue = due > track.LastDue ? due : track.LastDue;
        change.DueAt = due;
        queue.Enqueue(change, (due.UtcTicks, change.Sequence));
    }

    private void Log(PendingChange change)
    {
        timeline.Enqueue(change);
        if (timeline.Count > options.TimelineCapacity)
        {
            timeline.Dequeue();
            droppedEvents++;
        }
    }

    /// <summary>127.1.1.1, 127.1.1.2, …: every octet in 1–254, clear of 127.0.0.0/16 where local resolvers live.</summary>
    internal static uint AddressAt(uint index) =>
        (127u << 24) | ((1 + (index / (254 * 254))) << 16) | ((1 + (index / 254 % 254)) << 8) | (1 + (index % 254));
}
