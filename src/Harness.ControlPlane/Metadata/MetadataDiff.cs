using System.Collections.Immutable;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Metadata;

/// <summary>One change an instance's metadata has to catch up with, and the values it brings.</summary>
/// <param name="Interface">The interface as the control plane had it when the change was made (interface kinds).</param>
/// <param name="Snapshot">The whole view to adopt (instance-started).</param>
internal sealed record MetadataDelta(string Kind, string? NetworkInterfaceId, string? Mac, string Detail, InterfaceMetadata? Interface, MetadataView? Snapshot);

/// <summary>The changes that take one metadata view to another, in a fixed order so that a seed replays exactly.</summary>
internal static class MetadataDiff
{
    public static List<MetadataDelta> Between(MetadataView before, MetadataView after)
    {
        var deltas = new List<MetadataDelta>();
        if (before.State != after.State)
        {
            switch (after.State)
            {
                case "terminated":
                    deltas.Add(new(MetadataChangeKinds.InstanceTerminated, null, null, "", null, after));
                    return deltas;
                case "running":
                    // A start re-reads everything, which also ends the staleness a forced detach leaves (seed 004).
                    deltas.Add(new(MetadataChangeKinds.InstanceStarted, null, null, "", null, after));
                    return deltas;
                default:
                    deltas.Add(new(MetadataChangeKinds.InstanceStopped, null, null, "", null, null));
                    break;
            }
        }

        foreach (var old in before.Interfaces)
        {
            if (after.FindByMac(old.Mac) is null)
            {
                deltas.Add(new(MetadataChangeKinds.InterfaceDetached, old.NetworkInterfaceId, old.Mac, $"device {old.DeviceNumber}", null, null));
            }
        }

        foreach (var nic in after.Interfaces)
        {
            var old = before.FindByMac(nic.Mac);
            if (old is null || old.NetworkInterfaceId != nic.NetworkInterfaceId || old.DeviceNumber != nic.DeviceNumber)
            {
                deltas.Add(new(MetadataChangeKinds.InterfaceAttached, nic.NetworkInterfaceId, nic.Mac,
                    $"device {nic.DeviceNumber}, card {nic.NetworkCard}: {FormatAll(nic.LocalIpv4s)}", nic, null));
                continue;
            }

            if (!old.LocalIpv4s.SequenceEqual(nic.LocalIpv4s))
            {
                deltas.Add(Part(MetadataChangeKinds.PrivateIpv4s, nic, Changes(old.LocalIpv4s, nic.LocalIpv4s, Ipv4.Format)));
            }

            if (!old.Prefixes.SequenceEqual(nic.Prefixes))
            {
                deltas.Add(Part(MetadataChangeKinds.Ipv4Prefixes, nic, Changes(old.Prefixes, nic.Prefixes, p => $"{Ipv4.Format(p)}/28")));
            }

            if (!old.Associations.SequenceEqual(nic.Associations))
            {
                deltas.Add(Part(MetadataChangeKinds.ElasticIps, nic,
                    Changes(old.Associations, nic.Associations, a => $"{Ipv4.Format(a.PublicIp)}={Ipv4.Format(a.PrivateIp)}")));
            }

            if (!old.SecurityGroupIds.SequenceEqual(nic.SecurityGroupIds) || !old.SecurityGroupNames.SequenceEqual(nic.SecurityGroupNames))
            {
                deltas.Add(Part(MetadataChangeKinds.SecurityGroups, nic, string.Join(',', nic.SecurityGroupIds)));
            }
        }

        return deltas;
    }

    /// <summary>Whether two views show the same thing (records compare arrays by reference, so this compares by content).</summary>
    public static bool SameContent(MetadataView a, MetadataView b) =>
        ReferenceEquals(a, b) || (a.State == b.State && a.Interfaces.Length == b.Interfaces.Length && Between(a, b).Count == 0);

    private static MetadataDelta Part(string kind, InterfaceMetadata nic, string detail) =>
        new(kind, nic.NetworkInterfaceId, nic.Mac, detail, nic, null);

    private static string FormatAll(ImmutableArray<uint> addresses) => string.Join(',', addresses.Select(Ipv4.Format));

    private static string Changes<T>(ImmutableArray<T> before, ImmutableArray<T> after, Func<T, string> format)
    {
        var added = after.Except(before).Select(x => "+" + format(x));
        var removed = before.Except(after).Select(x => "-" + format(x));
        return string.Join(' ', added.Concat(removed));
    }
}
