using Harness.Domain.Net;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// Where one instance's metadata is served from (its own loopback address) and the view it serves. The view is
/// replaced whole by the propagation scheduler and read without a lock by the metadata endpoint.
/// </summary>
public sealed class MetadataSlot(string instanceId, string region, uint address, MetadataView view)
{
    private volatile MetadataView view = view;

    public string InstanceId { get; } = instanceId;

    public string Region { get; } = region;

    /// <summary>The instance's address in 127.0.0.0/8; a client that connects to it reaches this instance's metadata.</summary>
    public uint Address { get; } = address;

    public string AddressText { get; } = Ipv4.Format(address);

    public MetadataView View
    {
        get => view;
        internal set => view = value;
    }
}
