using Harness.ControlPlane.Metadata;

namespace Harness.Imds;

/// <summary>Where the metadata service listens, once it does: each instance's base URL is its own address on this port.</summary>
public sealed class ImdsListener
{
    public int Port { get; set; }

    public string EndpointOf(MetadataSlot slot) => $"http://{slot.AddressText}:{Port}";
}
