using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Clouds;
using Harness.Domain.Net;

namespace Harness.Imds;

/// <summary>
/// An Alibaba Cloud instance's metadata tree (ALIBABA.md §6), from the same lagging view as EC2's: listings are
/// LF-separated with sub-directories ending in <c>/</c>, <c>private-ipv4s</c> is a JSON array (primary first), and anything
/// absent is 404 (null here). Choices where the reference is unconfirmed: no trailing newline, <c>ipv4-prefixes</c> a JSON
/// array like <c>private-ipv4s</c>, <c>sub-private-ipv4-list</c> the primary ENI's secondaries one per line, the gateway the
/// vSwitch's last address but two. <c>meta-data/all</c> is the whole <c>meta-data/</c> tree as one JSON object, each
/// directory an object and each leaf the string its own path serves (how cloud-init 25.1 and later read it), without
/// <c>ram/</c>: credentials are served where a client asks for them by name.
/// </summary>
internal static class AlibabaMetadataTree
{
    /// <summary>JSON values as they are (<c>["10.0.1.4"]</c> stays readable inside its string), not <c>\u0022</c>-escaped.</summary>
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string Versions = "2016-01-01\nlatest";

    public static bool IsVersion(string version) => version is "latest" or "2016-01-01";

    /// <summary>The body for <paramref name="path"/> below the version (<c>meta-data/vpc-id</c>), or null for 404.</summary>
    /// <remarks><paramref name="credentials"/> and <paramref name="slot"/> serve <c>ram/security-credentials/&lt;role&gt;</c>.</remarks>
    public static string? Resolve(MetadataView view, InstanceView? control, string path, RamCredentials credentials, MetadataSlot slot)
    {
        var segments = path.Trim('/').Split('/');
        return segments[0] switch
        {
            "" when segments.Length == 1 => "dynamic/\nmeta-data/",
            "meta-data" when segments.Length == 2 && segments[1] == "all" => All(view, control),
            "meta-data" => MetaData(view, control, segments.AsSpan(1), credentials, slot),
            "dynamic" => Dynamic(view, segments.AsSpan(1)),
            _ => null, // user-data, vendor-data: none was given
        };
    }

    private static string? MetaData(MetadataView view, InstanceView? control, ReadOnlySpan<string> path, RamCredentials? credentials, MetadataSlot? slot)
    {
        var id = view.Identity;
        var eth0 = view.Primary;
        var eip = eth0 is null ? 0 : eth0.PublicIpOf(eth0.PrimaryIpv4);
        if (path.Length == 0)
        {
            return Lines(
                "dns-conf/", eip == 0 ? null : "eipv4", "hostname", "image-id", "instance-id", "instance/", eth0 is null ? null : "mac",
                "network-type", "network/", "ntp-conf/", "owner-account-id", eth0 is null ? null : "private-ipv4",
                NameOf(control, AlibabaNames.RamRoleKey) is null ? null : "ram/", "region-id",
                "serial-number", "source-address", eth0 is { LocalIpv4s.Length: > 1 } ? "sub-private-ipv4-list" : null,
                eth0 is null ? null : "vpc-cidr-block", eth0 is null ? null : "vpc-id", eth0 is null ? null : "vswitch-cidr-block",
                eth0 is null ? null : "vswitch-id", "zone-id");
        }

        var rest = path[1..];
        if (path[0] == "network")
        {
            return Network(view, rest);
        }

        if (!rest.IsEmpty)
        {
            return path[0] switch
            {
                "instance" when rest.Length == 1 => rest[0] switch
                {
                    "instance-type" => id.InstanceType,
                    "instance-name" => NameOf(control, AlibabaNames.NameKey) ?? id.InstanceId,
                    "max-netbw-egress" => "1024000",
                    _ => null,
                },
                "dns-conf" when rest.Length == 1 && rest[0] == "nameservers" => "100.100.2.136\n100.100.2.138",
                "ntp-conf" when rest.Length == 1 && rest[0] == "ntp-servers" => "ntp.cloud.aliyuncs.com\nntp7.cloud.aliyuncs.com",
                "ram" or "Ram" => Ram(control, rest, credentials, slot), // aliyungo asks for Ram/security-credentials
                _ => null,
            };
        }

        return path[0] switch
        {
            "instance-id" => id.InstanceId,
            "hostname" => NameOf(control, AlibabaNames.HostNameKey) ?? AlibabaNames.DefaultHostName(id.InstanceId),
            "image-id" => id.ImageId,
            "region-id" => RegionId(id),
            "zone-id" => id.AvailabilityZone,
            "owner-account-id" => AlibabaNames.OwnerId,
            "serial-number" => SerialNumber(id.InstanceId),
            "source-address" => "http://mirrors.cloud.aliyuncs.com",
            "network-type" => "vpc",
            "instance" => "instance-name\ninstance-type\nmax-netbw-egress",
            "dns-conf" => "nameservers",
            "ntp-conf" => "ntp-servers",
            "ram" or "Ram" when NameOf(control, AlibabaNames.RamRoleKey) is not null => "security-credentials/",
            "mac" when eth0 is not null => eth0.Mac,
            "private-ipv4" when eth0 is not null => Ipv4.Format(eth0.PrimaryIpv4),
            "eipv4" when eip != 0 => Ipv4.Format(eip),
            "sub-private-ipv4-list" when eth0 is { LocalIpv4s.Length: > 1 } => string.Join('\n', eth0.LocalIpv4s.Skip(1).Select(Ipv4.Format)),
            "vpc-id" when eth0 is not null => eth0.VpcId,
            "vpc-cidr-block" when eth0 is { VpcCidrs.Length: > 0 } => eth0.VpcCidrs[0].ToString(),
            "vswitch-id" when eth0 is not null => eth0.SubnetId,
            "vswitch-cidr-block" when eth0 is not null => eth0.SubnetCidr.ToString(),
            _ => null,
        };
    }

    /// <summary><c>ram/security-credentials/</c> lists the instance's role, and <c>…/&lt;role&gt;</c> is its credentials; 404 without a role.</summary>
    private static string? Ram(InstanceView? control, ReadOnlySpan<string> path, RamCredentials? credentials, MetadataSlot? slot)
    {
        if (NameOf(control, AlibabaNames.RamRoleKey) is not { } role || path[0] != "security-credentials")
        {
            return null;
        }

        return path.Length switch
        {
            1 => role,
            2 when path[1] == role && credentials is not null && slot is not null => credentials.Document(slot, role),
            _ => null,
        };
    }

    /// <summary><c>meta-data/all</c>: the tree below <c>meta-data/</c> walked through its own listings, but for <c>ram/</c>.</summary>
    private static string All(MetadataView view, InstanceView? control) => Walk(view, control, []).ToJsonString(Plain);

    private static JsonObject Walk(MetadataView view, InstanceView? control, string[] path)
    {
        var directory = new JsonObject();
        foreach (var entry in (MetaData(view, control, path, null, null) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = entry.TrimEnd('/');
            if (path.Length == 0 && name == "ram")
            {
                continue;
            }

            string[] below = [.. path, name];
            if (entry.EndsWith('/'))
            {
                directory[name] = Walk(view, control, below);
            }
            else if (MetaData(view, control, below, null, null) is { } leaf)
            {
                directory[name] = leaf;
            }
        }

        return directory;
    }

    private static string? Network(MetadataView view, ReadOnlySpan<string> path) => MacDirectory.Resolve(view, path, Interface);

    private static string? Interface(MetadataView view, InterfaceMetadata nic, ReadOnlySpan<string> leaf)
    {
        if (leaf.IsEmpty)
        {
            return Lines(
                "gateway", nic.Prefixes.IsEmpty ? null : "ipv4-prefixes", "netmask", "network-interface-id", "primary-ip-address", "private-ipv4s",
                nic.VpcCidrs.IsEmpty ? null : "vpc-cidr-block", "vpc-id", "vswitch-cidr-block", "vswitch-id");
        }

        return leaf.Length != 1 ? null : leaf[0] switch
        {
            "network-interface-id" => nic.NetworkInterfaceId,
            "primary-ip-address" => Ipv4.Format(nic.PrimaryIpv4),
            "private-ipv4s" => JsonSerializer.Serialize(nic.LocalIpv4s.Select(Ipv4.Format)),
            "ipv4-prefixes" when !nic.Prefixes.IsEmpty => JsonSerializer.Serialize(nic.Prefixes.Select(p => new Ipv4Cidr(p, 28).ToString())),
            "netmask" => Ipv4.Format(nic.SubnetCidr.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - nic.SubnetCidr.PrefixLength)),
            "gateway" => Ipv4.Format(nic.SubnetCidr.Last - 2),
            "vpc-id" => nic.VpcId,
            "vpc-cidr-block" when !nic.VpcCidrs.IsEmpty => nic.VpcCidrs[0].ToString(),
            "vswitch-id" => nic.SubnetId,
            "vswitch-cidr-block" => nic.SubnetCidr.ToString(),
            _ => null,
        };
    }

    private static string? Dynamic(MetadataView view, ReadOnlySpan<string> path) => path.Length switch
    {
        0 => "instance-identity/",
        1 when path[0] == "instance-identity" => "document",
        2 when path[0] == "instance-identity" && path[1] == "document" => Document(view),
        _ => null,
    };

    private static string Document(MetadataView view)
    {
        var id = view.Identity;
        var eth0 = view.Primary;
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["account-id"] = AlibabaNames.OwnerId,
            ["create-time"] = id.LaunchTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["image-id"] = id.ImageId,
            ["instance-id"] = id.InstanceId,
            ["instance-type"] = id.InstanceType,
            ["mac"] = eth0?.Mac ?? "",
            ["owner-account-id"] = AlibabaNames.OwnerId,
            ["private-ip"] = eth0 is null ? "" : Ipv4.Format(eth0.PrimaryIpv4),
            ["region-id"] = RegionId(id),
            ["serial-number"] = SerialNumber(id.InstanceId),
            ["zone-id"] = id.AvailabilityZone,
        });
    }

    private static string RegionId(InstanceIdentity id) => CloudRegions.Parse(id.Region).RegionId;

    /// <summary>A UUID-shaped serial number derived from the instance id: the same instance always shows the same one.</summary>
    private static string SerialNumber(string instanceId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(instanceId));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private static string? NameOf(InstanceView? control, string key) => control?.Tags.FirstOrDefault(t => t.Key == key)?.Value;

    private static string Lines(params string?[] names) => string.Join('\n', names.Where(n => n is not null));
}
