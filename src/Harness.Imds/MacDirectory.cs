using Harness.ControlPlane.Metadata;

namespace Harness.Imds;

/// <summary>
/// <c>network/interfaces/macs/&lt;mac&gt;/…</c>, the part of the tree EC2's and Alibaba's share: listings down to each
/// attached interface's MAC, then the cloud's own leaves for that interface.
/// </summary>
internal static class MacDirectory
{
    /// <summary>A leaf (or listing) of one interface, below its MAC; null for 404. Static, so the hot path allocates no closure.</summary>
    public delegate string? Leaf(MetadataView view, InterfaceMetadata nic, ReadOnlySpan<string> path);

    /// <summary>The body for <paramref name="path"/> below <c>network/</c>, or null for 404.</summary>
    public static string? Resolve(MetadataView view, ReadOnlySpan<string> path, Leaf leaf)
    {
        if (path.IsEmpty)
        {
            return "interfaces/";
        }

        if (path[0] != "interfaces")
        {
            return null;
        }

        if (path.Length == 1)
        {
            return "macs/";
        }

        if (path[1] != "macs")
        {
            return null;
        }

        if (path.Length == 2)
        {
            return string.Join('\n', view.Interfaces.Select(n => n.Mac + "/"));
        }

        var nic = view.FindByMac(path[2]);
        return nic is null ? null : leaf(view, nic, path[3..]);
    }
}
