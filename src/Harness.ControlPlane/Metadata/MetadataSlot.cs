using Harness.Domain.Net;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// Where one instance's metadata is served from (its own loopback address) and the view it serves. The view is
/// replaced whole by the propagation scheduler and read without a lock by the metadata endpoint.
/// </summary>
public sealed class MetadataSlot(string instanceId, string region, uint address, MetadataView view)
{
    /// <summary>How many past views a slot keeps for stale reads.</summary>
    private const int HistoryLength = 16;

    private volatile MetadataView view = view;

    // The current view and the ones before it, oldest first, each with when it began: an array replaced whole, so
    // stale reads need no lock. The view the instance booted with has been there since forever.
    private volatile Snapshot[] history = [new Snapshot(DateTimeOffset.MinValue, view)];

    public string InstanceId { get; } = instanceId;

    public string Region { get; } = region;

    /// <summary>The instance's address in 127.0.0.0/8; a client that connects to it reaches this instance's metadata.</summary>
    public uint Address { get; } = address;

    public string AddressText { get; } = Ipv4.Format(address);

    public MetadataView View => view;

    /// <summary>The view the instance showed at <paramref name="at"/>, as far back as the slot remembers.</summary>
    public MetadataView ViewAt(DateTimeOffset at)
    {
        var past = history;
        for (var i = past.Length - 1; i >= 0; i--)
        {
            if (past[i].Since <= at)
            {
                return past[i].View;
            }
        }

        // Older than anything remembered: the oldest view remembered is the nearest.
        return past[0].View;
    }

    /// <summary>Shows <paramref name="next"/> from <paramref name="at"/> on. Called by the one writer, the propagation scheduler.</summary>
    internal void Publish(MetadataView next, DateTimeOffset at)
    {
        var past = history;
        var keep = Math.Min(past.Length, HistoryLength - 1);
        var updated = new Snapshot[keep + 1];
        Array.Copy(past, past.Length - keep, updated, 0, keep);
        updated[keep] = new Snapshot(at, next);
        history = updated;
        view = next;
    }

    private sealed record Snapshot(DateTimeOffset Since, MetadataView View);
}
