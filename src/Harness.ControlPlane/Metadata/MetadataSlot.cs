using Harness.Domain.Net;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// Where one instance's metadata is served from (its own loopback address) and the view it serves. The view is
/// replaced whole by the propagation scheduler and read without a lock by the metadata endpoint.
/// </summary>
public sealed class MetadataSlot(string instanceId, string region, uint address, MetadataView view)
{
    /// <summary>How many past views a slot keeps at least for stale reads (at most twice as many).</summary>
    private const int HistoryLength = 16;

    private int untrimmed;

    private volatile MetadataView view = view;

    // While stale reads are asked for: the current view and, linked behind it, the ones before it, each with when it
    // began, so that stale reads need no lock; the link past the last one kept is cut. Null otherwise: keeping old
    // views alive costs every other change (they would outlive the young generation and lengthen collections).
    private volatile Snapshot? latest;

    public string InstanceId { get; } = instanceId;

    public string Region { get; } = region;

    /// <summary>Whose metadata service the instance has: EC2's, or Alibaba Cloud's (a region named <c>alibaba:…</c>).</summary>
    public Harness.Domain.Clouds.Cloud Cloud { get; } = Harness.Domain.Clouds.CloudRegions.Parse(region).Cloud;

    /// <summary>The instance's address in 127.0.0.0/8; a client that connects to it reaches this instance's metadata.</summary>
    public uint Address { get; } = address;

    public string AddressText { get; } = Ipv4.Format(address);

    public MetadataView View => view;

    /// <summary>The propagation generation (resets so far) it was made in.</summary>
    internal long Generation { get; init; }

    /// <summary>Registered clients that reach the instance through an alias. Under the propagation lock.</summary>
    internal int Pins { get; set; }

    /// <summary>The instance is gone; its address is free once <see cref="Pins"/> is zero. Under the propagation lock.</summary>
    internal bool Forgotten { get; set; }

    /// <summary>The view the instance showed at <paramref name="at"/>, as far back as the slot remembers.</summary>
    public MetadataView ViewAt(DateTimeOffset at)
    {
        if (latest is not { } node)
        {
            return view;
        }

        while (node.Since > at && node.Previous is { } previous)
        {
            node = previous;
        }

        // Older than anything remembered: the oldest view remembered is the nearest.
        return node.View;
    }

    /// <summary>Shows <paramref name="next"/> from <paramref name="at"/> on. Called by the one writer, the propagation scheduler.</summary>
    /// <param name="remember">Keep the views before it for <see cref="ViewAt"/> (a stale-read fault is in force).</param>
    internal void Publish(MetadataView next, DateTimeOffset at, bool remember)
    {
        if (!remember)
        {
            latest = null;
            view = next;
            return;
        }

        // The view shown until now: since when is known only if it was remembered too.
        var node = new Snapshot(at, next, latest ?? new Snapshot(DateTimeOffset.MinValue, view, null));

        // Trimmed every HistoryLength publishes, so the walk costs one step per publish and 16 to 32 views are kept.
        if (++untrimmed >= HistoryLength)
        {
            untrimmed = 0;
            var kept = node;
            for (var i = 1; i < HistoryLength && kept.Previous is { } previous; i++)
            {
                kept = previous;
            }

            kept.Previous = null;
        }

        latest = node;
        view = next;
    }

    private sealed class Snapshot(DateTimeOffset since, MetadataView view, Snapshot? previous)
    {
        public DateTimeOffset Since { get; } = since;

        public MetadataView View { get; } = view;

        /// <summary>The view before this one; cut (null) past the last one kept.</summary>
        public Snapshot? Previous
        {
            get => Volatile.Read(ref previous);
            set => Volatile.Write(ref previous, value);
        }
    }
}
