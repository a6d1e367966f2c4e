using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>CreateSubnet, DescribeSubnets, DeleteSubnet.</summary>
internal static class SubnetActions
{
    private static readonly Dictionary<string, Func<SubnetView, IEnumerable<string?>>> FilterFields = new()
    {
        ["subnet-id"] = s => [s.SubnetId],
        ["vpc-id"] = s => [s.VpcId],
        ["cidr-block"] = s => [s.Cidr.ToString()],
        ["cidr"] = s => [s.Cidr.ToString()],
        ["cidrBlock"] = s => [s.Cidr.ToString()],
        ["availability-zone"] = s => [s.AvailabilityZone],
        ["availabilityZone"] = s => [s.AvailabilityZone],
        ["availability-zone-id"] = s => [s.AvailabilityZoneId],
        ["available-ip-address-count"] = s => [s.AvailableIpAddressCount.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["state"] = _ => ["available"],
        ["default-for-az"] = _ => ["false"],
        ["owner-id"] = _ => ["123456789012"],
    };

    public static async Task CreateSubnet(Ec2Context context)
    {
        var p = context.Parameters;
        var vpc = Lookup.Vpc(context, p.Require("VpcId"));
        var cidr = VpcActions.ParseCidr(p.Require("CidrBlock"), "cidrBlock");
        var zone = p.Get("AvailabilityZone");
        if (zone is null && p.Get("AvailabilityZoneId") is { } zoneId)
        {
            zone = context.Region.AvailabilityZones.FirstOrDefault(z => context.Region.ZoneIdOf(z) == zoneId)
                ?? throw Harness.Domain.Errors.Ec2Errors.InvalidParameterValue($"Value ({zoneId}) for parameter availabilityZoneId is invalid.");
        }

        var tags = TagParsing.Specifications(p, "subnet");
        context.ThrowIfDryRun();
        var subnet = await context.RegionGrain.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, cidr, zone, tags));
        context.Response.Start("subnet");
        Write(context.Response, subnet);
        context.Response.End();
    }

    public static Task DescribeSubnets(Ec2Context context)
    {
        var p = context.Parameters;
        var ids = p.GetList("SubnetId");
        foreach (var id in ids)
        {
            Lookup.Subnet(context, id);
        }

        var filters = Filters<SubnetView>.Parse(p, FilterFields, s => s.Tags);
        context.ThrowIfDryRun();
        var matching = context.Region.Subnets.Values.Where(s => (ids.Count == 0 || ids.Contains(s.SubnetId)) && filters.Matches(s));
        var (page, next) = Paging.Page(p, matching, s => s.SubnetId, "SubnetIds", ids.Count > 0);
        context.Response.Set("subnetSet", page, Write).NextToken(next);
        return Task.CompletedTask;
    }

    public static async Task DeleteSubnet(Ec2Context context)
    {
        var subnet = Lookup.Subnet(context, context.Parameters.Require("SubnetId"));
        context.ThrowIfDryRun();
        await context.RegionGrain.DeleteSubnetAsync(subnet.SubnetId);
        context.ReturnTrue();
    }

    private static void Write(XmlResponse x, SubnetView s) => x
        .Element("subnetId", s.SubnetId)
        .Element("subnetArn", $"arn:aws:ec2:{s.AvailabilityZone[..^1]}:123456789012:subnet/{s.SubnetId}")
        .Element("state", "available")
        .Element("ownerId", "123456789012")
        .Element("vpcId", s.VpcId)
        .Element("cidrBlock", s.Cidr.ToString())
        .Element("availableIpAddressCount", s.AvailableIpAddressCount)
        .Element("availabilityZone", s.AvailabilityZone)
        .Element("availabilityZoneId", s.AvailabilityZoneId)
        .Element("defaultForAz", false)
        .Element("mapPublicIpOnLaunch", false)
        .Element("mapCustomerOwnedIpOnLaunch", false)
        .Element("assignIpv6AddressOnCreation", false)
        .Set("ipv6CidrBlockAssociationSet", Array.Empty<int>(), static (_, _) => { })
        .Tags(s.Tags)
        .Start("privateDnsNameOptionsOnLaunch")
            .Element("hostnameType", "ip-name")
            .Element("enableResourceNameDnsARecord", false)
            .Element("enableResourceNameDnsAAAARecord", false)
        .End();
}
