using Harness.ControlPlane.ReadModel;
using Harness.Domain.Catalog;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Rendering;

/// <summary>The Instance shape of RunInstances and DescribeInstances.</summary>
internal static class InstanceXml
{
    public static void Write(XmlResponse x, Ec2Context context, InstanceView i)
    {
        var region = context.Region;
        var nics = i.Attachments
            .Select(a => region.TryGetInterface(a.NetworkInterfaceId, out var v, out var addresses) ? (View: v, Addresses: addresses) : default)
            .Where(n => n.View is not null && n.Addresses.Primary != 0)
            .OrderBy(n => n.View.Attachment?.DeviceIndex ?? 0)
            .ToList();
        var primary = nics.FirstOrDefault(n => n.View.Attachment?.DeviceIndex == 0);
        var publicBinding = primary.View is null ? null : primary.Addresses.Bindings.GetValueOrDefault(primary.Addresses.Primary);
        var terminated = i.State.Name == "terminated";
        var type = InstanceTypeCatalog.All.GetValueOrDefault(i.InstanceType);

        x.Element("instanceId", i.InstanceId)
            .Element("imageId", i.ImageId)
            .Start("instanceState").Element("code", i.State.Code).Element("name", i.State.Name).End()
            .Element("privateDnsName", terminated ? "" : NetworkInterfaceXml.PrivateDnsName(region.Name, Ipv4.TryParse(i.PrivateIpAddress, out var ip) ? ip : 0))
            .Element("dnsName", "")
            .Element("reason", i.StateTransitionReason)
            .Element("keyName", i.KeyName)
            .Element("amiLaunchIndex", i.AmiLaunchIndex)
            .Set("productCodes", Array.Empty<int>(), static (_, _) => { })
            .Element("instanceType", i.InstanceType)
            .Element("launchTime", i.LaunchTime)
            .Start("placement")
                .Element("availabilityZoneId", region.ZoneIdOf(i.AvailabilityZone))
                .Element("availabilityZone", i.AvailabilityZone)
                .Element("groupName", "")
                .Element("tenancy", "default")
            .End()
            .Start("monitoring").Element("state", "disabled").End()
            .Element("subnetId", terminated ? null : i.SubnetId)
            .Element("vpcId", terminated ? null : i.VpcId)
            .Element("privateIpAddress", terminated ? null : i.PrivateIpAddress)
            .Element("ipAddress", publicBinding is null ? null : Ipv4.Format(publicBinding.PublicIp))
            .Element("sourceDestCheck", primary.View?.SourceDestCheck ?? true)
            .Groups(context, primary.View?.GroupIds ?? [])
            .Element("architecture", type?.Architecture ?? "x86_64")
            .Element("rootDeviceType", "ebs")
            .Element("rootDeviceName", "/dev/xvda")
            .Set("blockDeviceMapping", Array.Empty<int>(), static (_, _) => { })
            .Element("virtualizationType", "hvm")
            .Element("clientToken", i.ClientToken ?? "")
            .Tags(i.Tags)
            .Element("hypervisor", "xen")
            .Set("networkInterfaceSet", nics, (x, n) => WriteInterface(x, context, n.View, n.Addresses))
            .Element("ebsOptimized", false)
            .Element("enaSupport", true);
        if (i.State.Name is "stopped" or "terminated")
        {
            x.Start("stateReason").Element("code", "Client.UserInitiatedShutdown")
                .Element("message", "Client.UserInitiatedShutdown: User initiated shutdown").End();
        }

        // RunInstances answers a pending instance whose options are still being applied, as EC2 does.
        MetadataOptions(x, i.MetadataOptions, i.State.Name == "pending" ? "pending" : "applied");
        x.Start("privateDnsNameOptions").Element("hostnameType", "ip-name").Element("enableResourceNameDnsARecord", false)
                .Element("enableResourceNameDnsAAAARecord", false).End();
    }

    /// <summary>The InstanceMetadataOptionsResponse shape; <paramref name="state"/> is "applied" or, right after a change, "pending".</summary>
    public static XmlResponse MetadataOptions(XmlResponse x, MetadataOptionsView m, string state, string element = "metadataOptions") => x
        .Start(element)
            .Element("state", state)
            .Element("httpTokens", m.HttpTokens)
            .Element("httpPutResponseHopLimit", m.HttpPutResponseHopLimit)
            .Element("httpEndpoint", m.HttpEndpoint)
            .Element("httpProtocolIpv6", m.HttpProtocolIpv6)
            .Element("instanceMetadataTags", m.InstanceMetadataTags)
        .End();

    private static void WriteInterface(XmlResponse x, Ec2Context context, NetworkInterfaceView v, InterfaceAddresses a)
    {
        var region = context.Region.Name;
        if (a.Bindings.GetValueOrDefault(a.Primary) is { } binding)
        {
            NetworkInterfaceXml.Association(x, binding, withIds: false, context.Options.AccountId, region);
        }

        if (v.Attachment is { } att)
        {
            NetworkInterfaceXml.Attachment(x, att, accountId: null);
        }

        x.Element("description", v.Description)
            .Groups(context, v.GroupIds)
            .Element("macAddress", v.MacAddress)
            .Element("networkInterfaceId", v.NetworkInterfaceId)
            .Element("ownerId", context.Options.AccountId)
            .Element("privateDnsName", NetworkInterfaceXml.PrivateDnsName(region, a.Primary))
            .Element("privateIpAddress", Ipv4.Format(a.Primary))
            .PrivateAddresses(a, withIds: false, context.Options.AccountId, region)
            .Element("sourceDestCheck", v.SourceDestCheck)
            .Element("status", v.Status)
            .Element("subnetId", v.SubnetId)
            .Element("vpcId", v.VpcId)
            .Element("interfaceType", v.InterfaceType)
            .Set("ipv4PrefixSet", a.Prefixes, static (x, p) => x.Element("ipv4Prefix", new Ipv4Cidr(p, 28).ToString()));
    }
}
