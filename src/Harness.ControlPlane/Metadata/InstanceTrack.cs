namespace Harness.ControlPlane.Metadata;

/// <summary>The scheduler's book on one instance. Touched only under the propagation lock.</summary>
internal sealed class InstanceTrack(InstanceIdentity identity, MetadataView desired, MetadataSlot slot)
{
    private const string Presence = "*";
    private static readonly (string, string) State = ("", "state");

    // The sequence of the newest change applied to each part of the view ((mac, kind), (mac, "*"), the state), and a
    // floor that a whole-view change raises. An older change that arrives later (reordering, a flushed "never") loses.
    private readonly Dictionary<(string Mac, string Part), long> versions = [];
    private long floor;

    public InstanceIdentity Identity { get; } = identity;

    /// <summary>What the control plane last said the view should become.</summary>
    public MetadataView Desired { get; set; } = desired;

    public MetadataSlot Slot { get; } = slot;

    /// <summary>Due time of the latest change in flight; in-order delivery never schedules a change before it.</summary>
    public DateTimeOffset LastDue { get; set; }

    /// <summary>How many delays this instance has drawn; with the seed and the instance id it keys the next draw.</summary>
    public long Draws { get; set; }

    /// <summary>Changes not yet seen (pending or parked), oldest first.</summary>
    public LinkedList<PendingChange> Waiting { get; } = new();

    /// <summary>Interfaces the instance is detaching by force: when the detach is diffed it leaves the view stale.</summary>
    public HashSet<string> ForcedDetaches { get; } = new(StringComparer.Ordinal);

    public void Wait(PendingChange change) => change.Waiting = Waiting.AddLast(change);

    public void StopWaiting(PendingChange change)
    {
        if (change.Waiting is { } node)
        {
            Waiting.Remove(node);
            change.Waiting = null;
        }
    }

    /// <summary>The view with <paramref name="change"/> applied, or null when a newer change already covers what it brings.</summary>
    public MetadataView? Apply(MetadataView view, PendingChange change)
    {
        var delta = change.Delta;
        var sequence = change.Sequence;
        if (delta.Mac is null)
        {
            if (Math.Max(floor, Version(State)) > sequence)
            {
                return null;
            }

            versions[State] = sequence;
            switch (delta.Kind)
            {
                case MetadataChangeKinds.InstanceStopped:
                    return view with { State = "stopped" };
                case MetadataChangeKinds.InstanceTerminated:
                    floor = sequence;
                    return view with { State = "terminated", Interfaces = [] };
                default:
                    var merged = Merge(view, delta.Snapshot!, sequence);
                    floor = sequence;
                    return merged;
            }
        }

        var mac = delta.Mac;
        var current = view.FindByMac(mac);
        if (MetadataChangeKinds.IsInterfacePart(delta.Kind))
        {
            if (Math.Max(floor, Math.Max(Version(mac, Presence), Version(mac, delta.Kind))) > sequence)
            {
                return null;
            }

            if (current is not null)
            {
                versions[(mac, delta.Kind)] = sequence;
                return Upsert(view, WithPart(current, delta.Interface!, delta.Kind));
            }

            // An interface the view lacks (its attach was parked by "never", or is still on its way under reordering)
            // comes whole, as it was when this change was made; every part of it is now that recent.
            versions[(mac, Presence)] = sequence;
            return Upsert(view, delta.Interface!);
        }

        if (Math.Max(floor, NewestOf(mac)) > sequence)
        {
            return null;
        }

        versions[(mac, Presence)] = sequence;
        return delta.Kind == MetadataChangeKinds.InterfaceDetached
            ? view with { Interfaces = view.Interfaces.RemoveAll(n => n.Mac == mac) }
            : Upsert(view, delta.Interface!);
    }

    /// <summary>
    /// The view with a fault's after-effect applied (a flap's phase, the end of the hot-plug quirk), or null when a newer
    /// change has replaced what the change it echoes brought.
    /// </summary>
    public MetadataView? ApplyEcho(MetadataView view, MetadataDelta echo, long origin)
    {
        var mac = echo.Mac!;
        var current = view.FindByMac(mac);
        if (current is null || Math.Max(floor, Version(mac, Presence)) > origin)
        {
            return null;
        }

        if (echo.Kind == MetadataChangeKinds.InterfaceAttached)
        {
            return Version(mac, Presence) == origin ? Upsert(view, current with { HotplugQuirk = false }) : null;
        }

        return Version(mac, echo.Kind) == origin ? Upsert(view, WithPart(current, echo.Interface!, echo.Kind)) : null;
    }

    /// <summary>Whether <paramref name="change"/> is the newest applied to its part of its interface (so an echo of it is meaningful).</summary>
    public bool IsNewest(PendingChange change) =>
        change.Delta.Mac is { } mac
        && Version(mac, MetadataChangeKinds.IsInterfacePart(change.Delta.Kind) ? change.Delta.Kind : Presence) == change.Sequence;

    /// <summary>The view with the interface <paramref name="mac"/> reporting device-number 0.</summary>
    public static MetadataView WithHotplugQuirk(MetadataView view, string mac) =>
        view.FindByMac(mac) is { } nic ? Upsert(view, nic with { HotplugQuirk = true }) : view;

    /// <summary>Puts <paramref name="nic"/> in place of the interface with its MAC, kept in card then device order.</summary>
    private static MetadataView Upsert(MetadataView view, InterfaceMetadata nic)
    {
        var interfaces = view.Interfaces;
        var existing = -1;
        for (var i = 0; i < interfaces.Length && existing < 0; i++)
        {
            existing = interfaces[i].Mac == nic.Mac ? i : -1;
        }

        if (existing >= 0 && interfaces[existing].DeviceNumber == nic.DeviceNumber && interfaces[existing].NetworkCard == nic.NetworkCard)
        {
            return view with { Interfaces = interfaces.SetItem(existing, nic) };
        }

        if (existing >= 0)
        {
            interfaces = interfaces.RemoveAt(existing);
        }

        var at = 0;
        while (at < interfaces.Length && Before(interfaces[at], nic))
        {
            at++;
        }

        return view with { Interfaces = interfaces.Insert(at, nic) };
    }

    private static bool Before(InterfaceMetadata a, InterfaceMetadata b) =>
        a.NetworkCard < b.NetworkCard || (a.NetworkCard == b.NetworkCard && a.DeviceNumber < b.DeviceNumber);

    private static InterfaceMetadata WithPart(InterfaceMetadata target, InterfaceMetadata source, string kind) => kind switch
    {
        MetadataChangeKinds.PrivateIpv4s => target with { LocalIpv4s = source.LocalIpv4s },
        MetadataChangeKinds.Ipv4Prefixes => target with { Prefixes = source.Prefixes },
        MetadataChangeKinds.ElasticIps => target with { Associations = source.Associations },
        _ => target with { SecurityGroupIds = source.SecurityGroupIds, SecurityGroupNames = source.SecurityGroupNames },
    };

    /// <summary>Adopts a whole snapshot, except the parts a newer change has already set.</summary>
    private MetadataView Merge(MetadataView view, MetadataView snapshot, long sequence)
    {
        var macs = view.Interfaces.Select(n => n.Mac).Union(snapshot.Interfaces.Select(n => n.Mac), StringComparer.Ordinal);
        var result = new List<InterfaceMetadata>();
        foreach (var mac in macs)
        {
            var mine = view.FindByMac(mac);
            if (Version(mac, Presence) > sequence)
            {
                if (mine is not null)
                {
                    result.Add(mine);
                }

                continue;
            }

            var theirs = snapshot.FindByMac(mac);
            if (theirs is null)
            {
                continue;
            }

            if (mine is not null)
            {
                foreach (var kind in MetadataChangeKinds.InterfaceParts)
                {
                    if (Version(mac, kind) > sequence)
                    {
                        theirs = WithPart(theirs, mine, kind);
                    }
                }
            }

            result.Add(theirs);
        }

        return snapshot with { Interfaces = [.. result.OrderBy(n => n.NetworkCard).ThenBy(n => n.DeviceNumber)] };
    }

    private long NewestOf(string mac)
    {
        var newest = 0L;
        foreach (var (key, version) in versions)
        {
            if (key.Mac == mac)
            {
                newest = Math.Max(newest, version);
            }
        }

        return newest;
    }

    private long Version((string, string) key) => versions.GetValueOrDefault(key);

    private long Version(string mac, string part) => versions.GetValueOrDefault((mac, part));
}
