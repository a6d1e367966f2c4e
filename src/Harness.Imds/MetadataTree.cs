using System.Collections.Immutable;
using System.Globalization;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;

namespace Harness.Imds;

/// <summary>
/// The metadata tree of one view, as IMDS formats it: text/plain, lists LF-separated without a trailing newline,
/// sub-directories listed with a trailing slash, and 404 (null here) for anything absent rather than an empty 200.
/// </summary>
internal static class MetadataTree
{
    /// <summary>The body for <paramref name="path"/> (below the version, e.g. <c>meta-data/mac</c>), or null for 404.</summary>
    public static string? Resolve(MetadataView view, InstanceView? control, string path)
    {
        var segments = path.Trim('/').Split('/');
        return segments[0] switch
        {
            "" when segments.Length == 1 => "dynamic\nmeta-data",
            "meta-data" => MetaData(view, control, segments.AsSpan(1)),
            "dynamic" => Dynamic(view, segments.AsSpan(1)),
            _ => null,
        };
    }

    private static string? MetaData(MetadataView view, InstanceView? control, ReadOnlySpan<string> path)
    {
        if (path.Length > 0 && path[0] == "network")
        {
            // The hot path (macs/<mac>/local-ipv4s) needs none of the instance-level values below.
            return Network(view, path[1..]);
        }

        var id = view.Identity;
        var eth0 = view.Primary;
        var publicIp = eth0 is null ? 0 : eth0.PublicIpOf(eth0.PrimaryIpv4);
        if (path.Length == 0)
        {
            return Lines(
                "ami-id", "ami-launch-index", "ami-manifest-path", "hostname", "instance-action", "instance-id", "instance-life-cycle",
                "instance-type", eth0 is null ? null : "local-hostname", eth0 is null ? null : "local-ipv4", eth0 is null ? null : "mac",
                "network/", "placement/", publicIp == 0 ? null : "public-hostname", publicIp == 0 ? null : "public-ipv4",
                "reservation-id", "security-groups", "services/", TagsEnabled(control) ? "tags/" : null);
        }

        var rest = path[1..];
        return path[0] switch
        {
            "ami-id" when rest.IsEmpty => id.ImageId,
            "ami-launch-index" when rest.IsEmpty => id.AmiLaunchIndex.ToString(CultureInfo.InvariantCulture),
            "ami-manifest-path" when rest.IsEmpty => "(unknown)",
            "hostname" or "local-hostname" when rest.IsEmpty && eth0 is not null => LocalHostname(id.Region, eth0.PrimaryIpv4),
            "instance-action" when rest.IsEmpty => "none",
            "instance-id" when rest.IsEmpty => id.InstanceId,
            "instance-life-cycle" when rest.IsEmpty => "on-demand",
            "instance-type" when rest.IsEmpty => id.InstanceType,
            "local-ipv4" when rest.IsEmpty && eth0 is not null => Ipv4.Format(eth0.PrimaryIpv4),
            "mac" when rest.IsEmpty && eth0 is not null => eth0.Mac,
            "public-ipv4" when rest.IsEmpty && publicIp != 0 => Ipv4.Format(publicIp),
            "public-hostname" when rest.IsEmpty && publicIp != 0 => PublicHostname(id.Region, publicIp),
            "reservation-id" when rest.IsEmpty => id.ReservationId,
            "security-groups" when rest.IsEmpty => eth0 is null ? null : string.Join('\n', eth0.SecurityGroupNames),
            "placement" => Placement(id, rest),
            "services" => rest.IsEmpty ? "domain\npartition" : rest.Length == 1 && rest[0] == "domain" ? "amazonaws.com" : rest.Length == 1 && rest[0] == "partition" ? "aws" : null,
            "tags" when TagsEnabled(control) => Tags(control!.Tags, rest),
            _ => null,
        };
    }

    private static string? Placement(InstanceIdentity id, ReadOnlySpan<string> path) => path.Length switch
    {
        0 => "availability-zone\navailability-zone-id\nregion",
        1 => path[0] switch
        {
            "availability-zone" => id.AvailabilityZone,
            "availability-zone-id" => id.AvailabilityZoneId,
            "region" => id.Region,
            _ => null,
        },
        _ => null,
    };

    private static string? Network(MetadataView view, ReadOnlySpan<string> path) =>
        MacDirectory.Resolve(view, path, static (view, nic, rest) => Interface(view.Identity, nic, rest));

    private static string? Interface(InstanceIdentity id, InterfaceMetadata nic, ReadOnlySpan<string> path)
    {
        var hasPublic = !nic.Associations.IsEmpty;
        if (path.IsEmpty)
        {
            return Lines(
                "device-number", "interface-id", hasPublic ? "ipv4-associations/" : null, nic.Prefixes.IsEmpty ? null : "ipv4-prefix",
                "local-hostname", "local-ipv4s", "mac", id.MultipleNetworkCards ? "network-card" : null, "owner-id",
                hasPublic ? "public-hostname" : null, hasPublic ? "public-ipv4s" : null, "security-group-ids", "security-groups",
                "subnet-id", "subnet-ipv4-cidr-block", "vpc-id", "vpc-ipv4-cidr-block", "vpc-ipv4-cidr-blocks");
        }

        var rest = path[1..];
        if (path[0] == "ipv4-associations" && hasPublic)
        {
            return rest.Length switch
            {
                0 => string.Join('\n', nic.Associations.Select(a => Ipv4.Format(a.PublicIp))),
                1 when Ipv4.TryParse(rest[0], out var publicIp) => PrivateOf(nic, publicIp),
                _ => null,
            };
        }

        if (!rest.IsEmpty)
        {
            return null;
        }

        return path[0] switch
        {
            "device-number" => nic.ShownDeviceNumber.ToString(CultureInfo.InvariantCulture),
            "interface-id" => nic.NetworkInterfaceId,
            "ipv4-prefix" when !nic.Prefixes.IsEmpty => string.Join('\n', nic.Prefixes.Select(p => $"{Ipv4.Format(p)}/28")),
            "local-hostname" => LocalHostname(id.Region, nic.PrimaryIpv4),
            "local-ipv4s" => Addresses(nic.LocalIpv4s),
            "mac" => nic.Mac,
            "network-card" when id.MultipleNetworkCards => nic.NetworkCard.ToString(CultureInfo.InvariantCulture),
            "owner-id" => id.AccountId,
            "public-hostname" when hasPublic => PublicHostname(id.Region, nic.Associations[0].PublicIp),
            "public-ipv4s" when hasPublic => string.Join('\n', nic.Associations.Select(a => Ipv4.Format(a.PublicIp))),
            "security-group-ids" => string.Join('\n', nic.SecurityGroupIds),
            "security-groups" => string.Join('\n', nic.SecurityGroupNames),
            "subnet-id" => nic.SubnetId,
            "subnet-ipv4-cidr-block" => nic.SubnetCidr.ToString(),
            "vpc-id" => nic.VpcId,
            "vpc-ipv4-cidr-block" when !nic.VpcCidrs.IsEmpty => nic.VpcCidrs[0].ToString(),
            "vpc-ipv4-cidr-blocks" when !nic.VpcCidrs.IsEmpty => string.Join('\n', nic.VpcCidrs.Select(c => c.ToString())),
            _ => null,
        };
    }

    private static string? Dynamic(MetadataView view, ReadOnlySpan<string> path) => path.Length switch
    {
        0 => "instance-identity/",
        1 when path[0] == "instance-identity" => "document",
        2 when path[0] == "instance-identity" && path[1] == "document" => IdentityDocument.Render(view),
        _ => null,
    };

    private static string? Tags(ImmutableArray<Tag> tags, ReadOnlySpan<string> path) => path.Length switch
    {
        0 => "instance",
        1 when path[0] == "instance" => string.Join('\n', tags.Select(t => t.Key)),
        2 when path[0] == "instance" => ValueOf(tags, path[1]),
        _ => null,
    };

    private static string? ValueOf(ImmutableArray<Tag> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }

    private static bool TagsEnabled(InstanceView? control) => control?.MetadataOptions.InstanceMetadataTags == "enabled";

    private static string? PrivateOf(InterfaceMetadata nic, uint publicIp)
    {
        foreach (var association in nic.Associations)
        {
            if (association.PublicIp == publicIp)
            {
                return Ipv4.Format(association.PrivateIp);
            }
        }

        return null;
    }

    private static string Addresses(ImmutableArray<uint> addresses) => addresses.Length switch
    {
        0 => "",
        1 => Ipv4.Format(addresses[0]),
        _ => string.Join('\n', addresses.Select(Ipv4.Format)),
    };

    internal static string LocalHostname(string region, uint address) =>
        region == "us-east-1"
            ? $"ip-{Ipv4.Format(address).Replace('.', '-')}.ec2.internal"
            : $"ip-{Ipv4.Format(address).Replace('.', '-')}.{region}.compute.internal";

    internal static string PublicHostname(string region, uint address) =>
        region == "us-east-1"
            ? $"ec2-{Ipv4.Format(address).Replace('.', '-')}.compute-1.amazonaws.com"
            : $"ec2-{Ipv4.Format(address).Replace('.', '-')}.{region}.compute.amazonaws.com";

    private static string Lines(params string?[] names) => string.Join('\n', names.Where(n => n is not null));
}
