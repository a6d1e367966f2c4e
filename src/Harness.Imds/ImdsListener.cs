using Harness.ControlPlane.Metadata;
using Microsoft.AspNetCore.Http;

namespace Harness.Imds;

/// <summary>Where the metadata service listens, once it does: each instance's base URL is its own address on this port.</summary>
public sealed class ImdsListener
{
    public int Port { get; set; }

    /// <summary>Where the metadata port is reached from outside, when that is not <see cref="Port"/> on the caller's host (serve --public-imds-url).</summary>
    public Uri? PublicUrl { get; set; }

    public string EndpointOf(MetadataSlot slot) => $"http://{slot.AddressText}:{Port}";

    /// <summary>
    /// Metadata as a base URL that works through one address: <see cref="PublicUrl"/> when set, else the host the caller
    /// used to reach the harness with the metadata port (a container's ports published on the same numbers), and
    /// <paramref name="name"/> as the path: an instance's id, or a registered client's.
    /// </summary>
    public string UrlThrough(HostString callerHost, string name)
    {
        var root = PublicUrl is { } url
            ? url.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : $"http://{HostOf(callerHost)}:{Port}";
        return $"{root}/{name}/";
    }

    private static string HostOf(HostString host) => host.HasValue ? new HostString(host.Host).ToUriComponent() : "127.0.0.1";
}
