using System.Globalization;
using System.Text.Json.Nodes;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Catalog;
using Harness.Domain.Clouds;
using Harness.Domain.Net;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>An instance as DescribeInstances shows it.</summary>
internal static class InstanceJson
{
    public static JsonObject Render(EcsContext context, InstanceView i, string status)
    {
        var type = InstanceTypeCatalog.Of(i.InstanceType);
        var region = context.Region;
        var enis = i.Attachments.OrderBy(a => a.DeviceIndex).Select(a =>
        {
            region.TryGetInterface(a.NetworkInterfaceId, out var view, out var addresses);
            return (Attachment: a, View: view, Addresses: addresses);
        }).Where(e => e.View is not null).ToList();
        var primary = enis.FirstOrDefault(e => e.Attachment.DeviceIndex == 0);
        return new JsonObject
        {
            ["InstanceId"] = i.InstanceId,
            ["InstanceName"] = Names.Of(i.Tags) is { Length: > 0 } name ? name : i.InstanceId,
            ["HostName"] = HostNameOf(i),
            ["Status"] = status,
            ["InstanceType"] = i.InstanceType,
            ["Cpu"] = type.VCpus,
            ["Memory"] = type.MemoryMiB,
            ["RegionId"] = region.RegionId,
            ["ZoneId"] = i.AvailabilityZone,
            ["ImageId"] = i.ImageId,
            ["OSType"] = "linux",
            ["InstanceNetworkType"] = "vpc",
            ["InstanceChargeType"] = "PostPaid",
            ["CreationTime"] = i.LaunchTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
            ["VpcAttributes"] = new JsonObject
            {
                ["VpcId"] = i.VpcId,
                ["VSwitchId"] = i.SubnetId,
                ["PrivateIpAddress"] = Paging.Wrap("IpAddress", primary.View is null ? [] : [Ipv4.Format(primary.Addresses.Primary)]),
                ["NatIpAddress"] = "",
            },
            ["NetworkInterfaces"] = Paging.Wrap("NetworkInterface", enis.Select(e => (JsonNode)new JsonObject
            {
                ["NetworkInterfaceId"] = e.View!.NetworkInterfaceId,
                ["Type"] = e.Attachment.DeviceIndex == 0 ? "Primary" : "Secondary",
                ["MacAddress"] = e.View.MacAddress,
                ["PrimaryIpAddress"] = Ipv4.Format(e.Addresses.Primary),
                ["PrivateIpSets"] = Paging.Wrap("PrivateIpSet", e.Addresses.All.Select(ip => (JsonNode)new JsonObject
                {
                    ["PrivateIpAddress"] = Ipv4.Format(ip),
                    ["Primary"] = ip == e.Addresses.Primary,
                })),
            })),
            ["SecurityGroupIds"] = Paging.Wrap("SecurityGroupId", (primary.View?.GroupIds ?? []).Select(g => (JsonNode)g)),
            // An EIP on the primary ENI's primary address is the instance's (AssociateEipAddress with an EcsInstance).
            ["EipAddress"] = primary.View is not null && primary.Addresses.Bindings.TryGetValue(primary.Addresses.Primary, out var eip)
                ? new JsonObject { ["AllocationId"] = eip.AllocationId, ["IpAddress"] = Ipv4.Format(eip.PublicIp), ["InternetChargeType"] = "PayByBandwidth" }
                : new JsonObject(),
            ["PublicIpAddress"] = Paging.Wrap("IpAddress", []),
            ["MetadataOptions"] = new JsonObject
            {
                ["HttpEndpoint"] = i.MetadataOptions.HttpEndpoint,
                ["HttpTokens"] = i.MetadataOptions.HttpTokens,
                ["HttpPutResponseHopLimit"] = i.MetadataOptions.HttpPutResponseHopLimit,
            },
            ["Tags"] = Names.RenderTags(i.Tags, "TagKey", "TagValue"),
        };
    }

    /// <summary>The host name given at launch, or Alibaba's default shape <c>iZ&lt;id&gt;Z</c>.</summary>
    public static string HostNameOf(InstanceView i) =>
        i.Tags.FirstOrDefault(t => t.Key == Names.HostNameKey)?.Value ?? AlibabaNames.DefaultHostName(i.InstanceId);

    /// <summary>The grain's settled state in Alibaba's words.</summary>
    public static string SettledStatusOf(InstanceView i) => i.State.Name switch
    {
        "running" => "Running",
        "stopped" => "Stopped",
        "pending" => "Pending",
        "stopping" => "Stopping",
        _ => i.State.Name,
    };
}
