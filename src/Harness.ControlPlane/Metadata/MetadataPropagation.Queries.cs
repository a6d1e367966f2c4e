namespace Harness.ControlPlane.Metadata;

/// <summary>What the control API and reports read: an instance's standing, its pending changes, the timeline.</summary>
public sealed partial class MetadataPropagation
{
    /// <summary>Where the instance's metadata stands against the control plane, or null for an unknown instance.</summary>
    public InstanceMetadataStatus? Describe(string instanceId)
    {
        lock (gate)
        {
            if (!tracks.TryGetValue(instanceId, out var track))
            {
                return null;
            }

            return new InstanceMetadataStatus(
                track.Slot, track.Desired, track.Waiting.Count, MetadataDiff.SameContent(track.Slot.View, track.Desired),
                Settings.ModelFor(instanceId, null, MetadataChangeKinds.PrivateIpv4s).ToString());
        }
    }

    /// <summary>The changes on their way to an instance (and parked "never" ones), oldest first; null for an unknown instance.</summary>
    public IReadOnlyList<MetadataEvent>? Pending(string instanceId)
    {
        lock (gate)
        {
            return tracks.TryGetValue(instanceId, out var track)
                ? track.Waiting.Select(c => c.ToEvent()).ToList()
                : null;
        }
    }

    /// <summary>
    /// The timeline after sequence <paramref name="after"/>, oldest first, at most <paramref name="limit"/> entries, optionally
    /// for one instance. <see cref="TimelinePage.Dropped"/> counts entries that fell out of the bounded log.
    /// </summary>
    public TimelinePage Timeline(string? instanceId, long after, int limit)
    {
        lock (gate)
        {
            var events = timeline.After(after)
                .Where(c => instanceId is null || c.InstanceId == instanceId)
                .Take(limit)
                .Select(c => c.ToEvent())
                .ToList();
            return new TimelinePage(events, sequence, timeline.Dropped);
        }
    }
}

/// <summary>An instance's metadata against the control plane.</summary>
/// <param name="InSync">Whether the view shows what the control plane says now.</param>
/// <param name="Model">The delay model its address changes draw from (its instance's override included; an interface's may differ).</param>
public sealed record InstanceMetadataStatus(MetadataSlot Slot, MetadataView Desired, int PendingChanges, bool InSync, string Model);

/// <param name="LastSequence">The newest sequence number given out; poll with it as <c>after</c>.</param>
public sealed record TimelinePage(IReadOnlyList<MetadataEvent> Events, long LastSequence, long Dropped);
