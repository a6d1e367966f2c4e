using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Rendering;

/// <summary>The NetworkInterface shape of CreateNetworkInterface and DescribeNetworkInterfaces.</summary>
internal static class NetworkInterfaceXml
{
    public static string PrivateDnsName(string region, uint address)
    {
        var host = "ip-" + Ipv4.Format(address).Replace('.', '-');
        return region == "us-east-1" ? $"{host}.ec2.internal" : $"{host}.{region}.compute.internal";
    }

    public static void Write(XmlResponse x, Ec2Context context, NetworkInterfaceView v, InterfaceAddresses a)
    {
        var region = context.Region.Name;
        var primaryBinding = a.Bindings.GetValueOrDefault(a.Primary);
        if (primaryBinding is not null)
        {
            Association(x, primaryBinding, withIds: true, context.Options.AccountId, region);
        }

        if (v.Attachment is { } att)
        {
            Attachment(x, att, context.Options.AccountId);
        }

        x.Element("availabilityZone", v.AvailabilityZone)
            .Element("availabilityZoneId", v.AvailabilityZoneId)
            .Element("description", v.Description)
            .Groups(context, v.GroupIds)
            .Element("interfaceType", v.InterfaceType)
            .Set("ipv6AddressesSet", Array.Empty<int>(), static (_, _) => { })
            .Element("macAddress", v.MacAddress)
            .Element("networkInterfaceId", v.NetworkInterfaceId)
            .Element("ownerId", context.Options.AccountId)
            .Element("privateDnsName", a.Primary == 0 ? null : PrivateDnsName(region, a.Primary))
            .Element("privateIpAddress", a.Primary == 0 ? null : Ipv4.Format(a.Primary))
            .PrivateAddresses(a, withIds: true, context.Options.AccountId, region)
            .Set("ipv4PrefixSet", a.Prefixes, static (x, p) => x.Element("ipv4Prefix", new Ipv4Cidr(p, 28).ToString()))
            .Element("requesterManaged", false)
            .Element("sourceDestCheck", v.SourceDestCheck)
            .Element("status", v.Status)
            .Element("subnetId", v.SubnetId)
            .Tags(v.Tags)
            .Element("vpcId", v.VpcId)
            .Element("denyAllIgwTraffic", false);
    }

    /// <summary>
    /// The NetworkInterfaceAttachment shape. Seen from the instance (InstanceNetworkInterfaceAttachment) it leaves
    /// out the instance and its owner: pass no <paramref name="accountId"/>.
    /// </summary>
    public static void Attachment(XmlResponse x, AttachmentView att, string? accountId) => x.Start("attachment")
        .Element("attachTime", att.AttachTime)
        .Element("attachmentId", att.AttachmentId)
        .Element("deleteOnTermination", att.DeleteOnTermination)
        .Element("deviceIndex", att.DeviceIndex)
        .Element("networkCardIndex", att.NetworkCardIndex)
        .Element("instanceId", accountId is null ? null : att.InstanceId)
        .Element("instanceOwnerId", accountId)
        .Element("status", att.Status)
        .End();

    /// <summary><c>privateIpAddressesSet</c>, primary first, each with its Elastic IP association if it has one.</summary>
    public static XmlResponse PrivateAddresses(this XmlResponse xml, InterfaceAddresses a, bool withIds, string accountId, string region) =>
        xml.Set("privateIpAddressesSet", a.All, (x, ip) =>
        {
            if (a.Bindings.TryGetValue(ip, out var binding))
            {
                Association(x, binding, withIds, accountId, region);
            }

            x.Element("primary", ip == a.Primary)
                .Element("privateDnsName", PrivateDnsName(region, ip))
                .Element("privateIpAddress", Ipv4.Format(ip));
        });

    /// <summary>An Elastic IP association; its owner is the account that allocated it ("amazon" is for auto-assigned public IPs).</summary>
    public static void Association(XmlResponse x, PublicBinding binding, bool withIds, string ownerId, string region)
    {
        var dashed = Ipv4.Format(binding.PublicIp).Replace('.', '-');
        var dnsName = region == "us-east-1" ? $"ec2-{dashed}.compute-1.amazonaws.com" : $"ec2-{dashed}.{region}.compute.amazonaws.com";
        x.Start("association");
        if (withIds)
        {
            x.Element("allocationId", binding.AllocationId).Element("associationId", binding.AssociationId);
        }

        x.Element("ipOwnerId", ownerId)
            .Element("publicDnsName", dnsName)
            .Element("publicIp", Ipv4.Format(binding.PublicIp))
            .End();
    }
}
