using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;
using Harness.Domain.Faults;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// Carries control-plane changes to instances' metadata views after a delay drawn per instance and kind of change.
/// Grains report what they published; the scheduler re-projects each affected instance from the read side, diffs
/// it against what it last projected, and queues the difference. One timer on <see cref="TimeProvider"/> fires at
/// the earliest due time. The scheduler's books are behind one lock; the slots and views it publishes are read
/// without one.
/// </summary>
public sealed partial class MetadataPropagation : IDisposable
{
    private readonly Lock gate = new();
    private readonly RegionDirectory regions;
    private readonly HarnessOptions options;
    private readonly TimeProvider time;
    private readonly FaultBook faults;
    private readonly ITimer timer;
    private readonly Dictionary<string, InstanceTrack> tracks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MetadataSlot> slotsById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, MetadataSlot> slotsByAddress = new();
    private readonly PriorityQueue<PendingChange, (long DueTicks, long Sequence)> queue = new();
    private readonly TimelineLog<PendingChange> timeline;
    private readonly Queue<uint> freeAddresses = new();
    private PropagationSettings settings;
    private long sequence;
    private uint nextAddressIndex;
    private long armedTicks = long.MaxValue;

    public MetadataPropagation(RegionDirectory regions, HarnessOptions options, TimeProvider time, FaultBook? faults = null)
    {
        this.regions = regions;
        this.options = options;
        this.time = time;
        this.faults = faults ?? new FaultBook(options, time);
        this.faults.Ended += OnFaultEnded;
        settings = options.Propagation;
        timeline = new TimelineLog<PendingChange>(options.TimelineCapacity);
        timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The settings changes made from now on draw from.</summary>
    public PropagationSettings Settings
    {
        get => Volatile.Read(ref settings);
        set => UpdateSettings(_ => value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// How many times the harness was reset. Anything keyed to instances (IMDSv2 tokens) mixes it in, so that an
    /// instance id seen again after a reset is a new instance.
    /// </summary>
    public long Generation { get; private set; }

    /// <summary>Changes the settings atomically, so concurrent updates of different fields do not lose each other.</summary>
    public PropagationSettings UpdateSettings(Func<PropagationSettings, PropagationSettings> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            var updated = change(settings) ?? throw new InvalidOperationException("A settings change must give settings.");
            Volatile.Write(ref settings, updated);
            return updated;
        }
    }

    /// <summary>The instance whose metadata is served at <paramref name="address"/> (an address in 127.0.0.0/8).</summary>
    public bool TryGetByAddress(uint address, [NotNullWhen(true)] out MetadataSlot? slot) => slotsByAddress.TryGetValue(address, out slot);

    public bool TryGetByInstanceId(string instanceId, [NotNullWhen(true)] out MetadataSlot? slot) => slotsById.TryGetValue(instanceId, out slot);

    public IEnumerable<MetadataSlot> Slots => slotsById.Values;

    /// <summary>Takes a metadata address for something other than an instance's own endpoint (a client's alias).</summary>
    public uint ReserveAddress()
    {
        lock (gate)
        {
            return TakeAddress();
        }
    }

    /// <summary>An instance's published view changed (launch, lifecycle, attachments).</summary>
    internal void InstanceChanged(string region, string instanceId)
    {
        lock (gate)
        {
            Reconcile(region, instanceId);
            Settle();
        }
    }

    /// <summary>An interface's view changed; the instances it was and is attached to may show something new.</summary>
    internal void InterfaceChanged(string region, NetworkInterfaceView? before, NetworkInterfaceView? after)
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
                Reconcile(region, was);
            }

            if (now is not null && now != was)
            {
                Reconcile(region, now);
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
                Reconcile(region, instanceId);
            }

            Settle();
        }
    }

    /// <summary>
    /// The instance is about to detach this interface by force. Said before the detach is published, so whichever
    /// re-projection first sees the interface gone marks it stale, however the reports interleave.
    /// </summary>
    internal void ExpectForcedDetach(string instanceId, string networkInterfaceId)
    {
        lock (gate)
        {
            if (tracks.TryGetValue(instanceId, out var track) && Settings.ForcedDetachStaysStale)
            {
                track.ForcedDetaches.Add(networkInterfaceId);
            }
        }
    }

    /// <summary>The forced detach failed: nothing is to be left stale.</summary>
    internal void CancelForcedDetach(string instanceId, string networkInterfaceId)
    {
        lock (gate)
        {
            if (tracks.TryGetValue(instanceId, out var track))
            {
                track.ForcedDetaches.Remove(networkInterfaceId);
            }
        }
    }

    /// <summary>
    /// A launch was undone, or a terminated instance is forgotten: its metadata goes, and its address goes back to the
    /// pool once no registered client reaches the instance through it (<see cref="Pin"/>).
    /// </summary>
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
                    change.Status = ChangeStatus.Superseded;
                    change.Waiting = null;
                }

                track.Waiting.Clear();
                track.Slot.Forgotten = true;
                if (track.Slot.Pins == 0)
                {
                    freeAddresses.Enqueue(track.Slot.Address);
                }

                if (settings.Instances.ContainsKey(instanceId))
                {
                    Volatile.Write(ref settings, settings with { Instances = settings.Instances.Remove(instanceId) });
                }
            }
        }
    }

    private void Reconcile(string region, string instanceId)
    {
        var state = regions.Get(region);
        if (!state.Instances.TryGetValue(instanceId, out var instance))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!tracks.TryGetValue(instanceId, out var track))
        {
            Launch(state, instance, now);
            return;
        }

        var desired = MetadataProjection.Project(state, instance, track.Identity);
        var deltas = MetadataDiff.Between(track.Desired, desired);
        track.Desired = desired;
        foreach (var delta in deltas)
        {
            Schedule(track, delta, now);
        }
    }

    /// <summary>An instance boots with complete metadata; only later changes lag.</summary>
    private void Launch(RegionState state, InstanceView instance, DateTimeOffset now)
    {
        var identity = MetadataProjection.IdentityOf(state, instance, options.AccountId);
        var launched = MetadataProjection.Project(state, instance, identity);
        var slot = new MetadataSlot(instance.InstanceId, state.Name, TakeAddress(), launched) { Generation = Generation };
        tracks[instance.InstanceId] = new InstanceTrack(identity, launched, slot) { LastDue = now };
        slotsById[instance.InstanceId] = slot;
        slotsByAddress[slot.Address] = slot;
        var boot = new MetadataDelta(MetadataChangeKinds.InstanceLaunched, null, null, "", null, null);
        timeline.Add(new PendingChange(++sequence, instance.InstanceId, boot, now) { DueAt = now, SeenAt = now, Status = ChangeStatus.Applied });
    }

    private void Schedule(InstanceTrack track, MetadataDelta delta, DateTimeOffset now)
    {
        var current = Settings;
        var change = new PendingChange(++sequence, track.Slot.InstanceId, delta, now);
        timeline.Add(change);
        if (delta.Kind == MetadataChangeKinds.InterfaceAttached)
        {
            // An expectation that never met its detach must not turn a later, ordinary detach stale.
            track.ForcedDetaches.Remove(delta.NetworkInterfaceId!);
        }
        else if (delta.Kind == MetadataChangeKinds.InterfaceDetached && track.ForcedDetaches.Remove(delta.NetworkInterfaceId!))
        {
            change.Status = ChangeStatus.Stale;
            return;
        }

        if (Covering(FaultKinds.ImdsNever, track.Slot.InstanceId, delta) is { } never)
        {
            track.Wait(change);
            change.Status = ChangeStatus.Never;
            change.Fault = never.Name;
            faults.Touched(never, "propagation", track.Slot.InstanceId, Describe(delta), "never: parked until a flush");
            return;
        }

        var model = current.ModelFor(track.Slot.InstanceId, delta.NetworkInterfaceId, delta.Kind);
        var delay = model.Sample(SeededRandom.For(options.Seed, track.Slot.InstanceId, track.Draws++));
        track.Wait(change);
        if (delay is null)
        {
            change.Status = ChangeStatus.Never;
            return;
        }

        // Due times are on the harness clock (wall time in real-time mode): a clock stepped by hand shifts them.
        var due = now + delay.Value;
        if (!current.Reorder && due < track.LastDue)
        {
            due = track.LastDue;
        }

        track.LastDue = due > track.LastDue ? due : track.LastDue;
        change.DueAt = due;
        queue.Enqueue(change, (due.UtcTicks, change.Sequence));
    }

    /// <summary>127.1.1.1, 127.1.1.2, …: every octet in 1–254, clear of 127.0.0.0/16 where local resolvers live.</summary>
    internal static uint AddressAt(uint index)
    {
        const uint Capacity = 254 * 254 * 254;
        if (index >= Capacity)
        {
            throw new InvalidOperationException($"127.0.0.0/8 holds metadata addresses for {Capacity:N0} instances; reset the harness.");
        }

        return (127u << 24) | ((1 + (index / (254 * 254))) << 16) | ((1 + (index / 254 % 254)) << 8) | (1 + (index % 254));
    }
}
