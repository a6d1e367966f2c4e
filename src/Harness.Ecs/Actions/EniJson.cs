using System.Globalization;
using System.Text.Json.Nodes;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Clouds;
using Harness.Domain.Net;

namespace Harness.Ecs.Actions;

/// <summary>An ENI as DescribeNetworkInterfaces, DescribeNetworkInterfaceAttribute and CreateNetworkInterface show it.</summary>
internal static class EniJson
{
    public const string OwnerId = AlibabaNames.OwnerId;

    public static JsonObject Render(NetworkInterfaceView v, InterfaceAddresses addresses, string status)
    {
        var primaryBinding = addresses.Bindings.GetValueOrDefault(addresses.Primary);
        var body = new JsonObject
        {
            ["NetworkInterfaceId"] = v.NetworkInterfaceId,
            ["Status"] = status,
            ["Type"] = TypeOf(v),
            ["InstanceId"] = v.Attachment?.InstanceId ?? "",
            ["MacAddress"] = v.MacAddress,
            ["PrivateIpAddress"] = addresses.Primary == 0 ? "" : Ipv4.Format(addresses.Primary),
            ["PrivateIpSets"] = Paging.Wrap("PrivateIpSet", addresses.All.Select(ip => (JsonNode)new JsonObject
            {
                ["PrivateIpAddress"] = Ipv4.Format(ip),
                ["Primary"] = ip == addresses.Primary,
                ["AssociatedPublicIp"] = PublicIp(addresses.Bindings.GetValueOrDefault(ip)),
            })),
            ["Ipv4PrefixSets"] = Paging.Wrap("Ipv4PrefixSet", addresses.Prefixes.Select(p => (JsonNode)new JsonObject
            {
                ["Ipv4Prefix"] = new Ipv4Cidr(p, 28).ToString(),
            })),
            ["AssociatedPublicIp"] = PublicIp(primaryBinding),
            ["VpcId"] = v.VpcId,
            ["VSwitchId"] = v.SubnetId,
            ["ZoneId"] = v.AvailabilityZone,
            ["SecurityGroupIds"] = Paging.Wrap("SecurityGroupId", v.GroupIds.Select(id => (JsonNode)id)),
            ["NetworkInterfaceName"] = Names.Of(v.Tags),
            ["Description"] = v.Description,
            ["DeleteOnRelease"] = v.Attachment?.DeleteOnTermination ?? true,
            ["SourceDestCheck"] = v.SourceDestCheck,
            ["ServiceManaged"] = false,
            ["OwnerId"] = OwnerId,
            ["ResourceGroupId"] = "",
            ["Tags"] = Names.RenderTags(v.Tags, "TagKey", "TagValue"),
        };
        if (v.Attachment is { } attachment)
        {
            body["Attachment"] = new JsonObject
            {
                ["InstanceId"] = attachment.InstanceId,
                ["DeviceIndex"] = attachment.DeviceIndex,
                ["NetworkCardIndex"] = attachment.NetworkCardIndex,
            };
            body["CreationTime"] = attachment.AttachTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return body;
    }

    /// <summary>The grain's <c>available</c>/<c>in-use</c> as Alibaba's <c>Available</c>/<c>InUse</c> (settled states only; Lookups.StatusOf gives the transitional ones).</summary>
    public static string SettledStatusOf(NetworkInterfaceView v) => v.Status switch
    {
        "available" => "Available",
        "in-use" => "InUse",
        "attaching" => "Attaching",
        "detaching" => "Detaching",
        _ => v.Status,
    };

    /// <summary>The interface an instance was launched with is its Primary ENI; every other is Secondary (or Trunk).</summary>
    public static string TypeOf(NetworkInterfaceView v) =>
        v.Attachment is { DeviceIndex: 0 } ? "Primary" : v.InterfaceType == "trunk" ? "Trunk" : "Secondary";

    private static JsonObject PublicIp(PublicBinding? binding) => binding is null
        ? []
        : new JsonObject { ["PublicIpAddress"] = Ipv4.Format(binding.PublicIp), ["AllocationId"] = binding.AllocationId };
}
