using System.Text.Json.Nodes;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// The VPC API (2016-04-28): VPCs and vSwitches. Both are <c>Available</c> as soon as they are created, and gone as soon as
/// they are deleted (Alibaba shows <c>Deleting</c>/<c>Pending</c> for a while: not modelled).
/// </summary>
internal static class VpcActions
{
    public static IReadOnlyDictionary<string, Func<EcsContext, Task>> Handlers { get; } = new Dictionary<string, Func<EcsContext, Task>>(StringComparer.Ordinal)
    {
        ["CreateVpc"] = CreateVpc,
        ["DescribeVpcs"] = DescribeVpcs,
        ["DeleteVpc"] = DeleteVpc,
        ["CreateVSwitch"] = CreateVSwitch,
        ["DescribeVSwitches"] = DescribeVSwitches,
        ["DeleteVSwitch"] = DeleteVSwitch,
        ["AllocateEipAddress"] = EipActions.AllocateEipAddress,
        ["AssociateEipAddress"] = EipActions.AssociateEipAddress,
        ["UnassociateEipAddress"] = EipActions.UnassociateEipAddress,
        ["ReleaseEipAddress"] = EipActions.ReleaseEipAddress,
        ["DescribeEipAddresses"] = EipActions.DescribeEipAddresses,
    };

    public static async Task CreateVpc(EcsContext context)
    {
        var p = context.Parameters;
        // The VPC SDK's default block when none is given.
        var cidr = Cidr(p.Get("CidrBlock") ?? "172.16.0.0/12", "CidrBlock");
        if (cidr.PrefixLength is < 8 or > 28)
        {
            throw new AlibabaException("InvalidCidrBlock.Malformed", $"The specified CidrBlock \"{cidr}\" is not valid: its mask must be 8 to 28.");
        }

        var vpc = await ClientTokenCall.RunAsync(context, () => context.RegionGrain.CreateVpcAsync(
            new CreateVpcCommand(cidr, "default", Names.Tags(p.Get("VpcName"), p.Get("Description"), p))));
        context.Body["VpcId"] = vpc.VpcId;
        context.Body["VRouterId"] = "vrt-" + vpc.VpcId[4..];
        context.Body["RouteTableId"] = "vtb-" + vpc.VpcId[4..];
        context.Body["ResourceGroupId"] = "rg-acfmxazb4ph6aiy";
    }

    public static Task DescribeVpcs(EcsContext context)
    {
        var p = context.Parameters;
        var ids = p.Get("VpcId")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var name = p.Get("VpcName");
        var vpcs = context.Region.Vpcs.Values
            .Where(v => (ids is null || ids.Contains(v.VpcId)) && (name is null || Names.Of(v.Tags) == name))
            .OrderBy(v => v.VpcId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.ByNumber(context, vpcs, defaultSize: 10, maxSize: 50);
        context.Body["Vpcs"] = Paging.Wrap("Vpc", page.Select(v => Render(context, v)));
        return Task.CompletedTask;
    }

    /// <summary>
    /// An empty VPC only: its vSwitches first (<c>DependencyViolation.VSwitch</c>), then its security groups
    /// (<c>DependencyViolation.SecurityGroup</c>), as the VPC API's reference lists them. A ClientToken replays the first delete.
    /// </summary>
    public static async Task DeleteVpc(EcsContext context)
    {
        var p = context.Parameters;
        var vpcId = p.Require("VpcId");
        await ClientTokenCall.RunAsync(context, async () =>
        {
            var vpc = Lookups.Vpc(context, vpcId);
            if (context.Region.Subnets.Values.Any(s => s.VpcId == vpc.VpcId))
            {
                throw new AlibabaException("DependencyViolation.VSwitch", $"Specified object has dependent resources: the VPC {vpc.VpcId} still has vSwitches.");
            }

            if (context.Region.SecurityGroups.Values.Any(g => g.VpcId == vpc.VpcId))
            {
                throw new AlibabaException("DependencyViolation.SecurityGroup", $"Specified object has dependent resources SecurityGroup: the VPC {vpc.VpcId} still has security groups.");
            }

            AlibabaErrors.ThrowIfDryRun(p);
            await context.RegionGrain.DeleteVpcAsync(vpc.VpcId);
            return vpc.VpcId;
        });
    }

    public static async Task CreateVSwitch(EcsContext context)
    {
        var p = context.Parameters;
        var vpc = Lookups.Vpc(context, p.Require("VpcId"));
        var zone = p.Require("ZoneId");
        var cidr = Cidr(p.Require("CidrBlock"), "CidrBlock");
        if (!context.Region.AvailabilityZones.Contains(zone))
        {
            throw new AlibabaException("InvalidZoneId.NotFound", $"The specified ZoneId \"{zone}\" does not exist in {context.Region.RegionId}.", 404);
        }

        if (cidr.PrefixLength is < 16 or > 29 || !vpc.Cidr.Contains(cidr))
        {
            throw new AlibabaException("InvalidCidrBlock.Malformed", $"The specified CidrBlock \"{cidr}\" is not valid in VPC {vpc.VpcId} (a /16 to /29 inside {vpc.Cidr}).");
        }

        var subnet = await ClientTokenCall.RunAsync(context, () => context.RegionGrain.CreateSubnetAsync(
            new CreateSubnetCommand(vpc.VpcId, cidr, zone, Names.Tags(p.Get("VSwitchName"), p.Get("Description"), p))));
        context.Body["VSwitchId"] = subnet.SubnetId;
    }

    public static Task DescribeVSwitches(EcsContext context)
    {
        var p = context.Parameters;
        var vpcId = p.Get("VpcId");
        var ids = p.Get("VSwitchId")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var zone = p.Get("ZoneId");
        var name = p.Get("VSwitchName");
        var switches = context.Region.Subnets.Values
            .Where(s => (vpcId is null || s.VpcId == vpcId) && (ids is null || ids.Contains(s.SubnetId))
                && (zone is null || s.AvailabilityZone == zone) && (name is null || Names.Of(s.Tags) == name))
            .OrderBy(s => s.SubnetId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.ByNumber(context, switches, defaultSize: 10, maxSize: 50);
        context.Body["VSwitches"] = Paging.Wrap("VSwitch", page.Select(s => (JsonNode)new JsonObject
        {
            ["VSwitchId"] = s.SubnetId,
            ["VpcId"] = s.VpcId,
            ["ZoneId"] = s.AvailabilityZone,
            ["CidrBlock"] = s.Cidr.ToString(),
            ["AvailableIpAddressCount"] = s.AvailableIpAddressCount,
            ["Status"] = "Available",
            ["VSwitchName"] = Names.Of(s.Tags),
            ["Description"] = Names.DescriptionOf(s.Tags),
            ["IsDefault"] = false,
            ["RegionId"] = context.Region.RegionId,
            ["Tags"] = Names.RenderTags(s.Tags, "Key", "Value"),
        }));
        return Task.CompletedTask;
    }

    /// <summary>
    /// An empty vSwitch only: an ENI in it (an instance's too), or one still being deleted, is <c>DependencyViolation</c>,
    /// the code the VPC API's reference gives for "Specified object has dependent resources".
    /// </summary>
    public static async Task DeleteVSwitch(EcsContext context)
    {
        var vSwitch = Lookups.VSwitch(context, context.Parameters.Require("VSwitchId"));
        if (context.Region.NetworkInterfaces.Values.Any(n => n.SubnetId == vSwitch.SubnetId)
            || context.Transitions.Ghosts<DeletedEni>(context.Region).Any(g => g.View.SubnetId == vSwitch.SubnetId))
        {
            throw new AlibabaException("DependencyViolation", $"Specified object has dependent resources: the vSwitch {vSwitch.SubnetId} still has network interfaces.");
        }

        AlibabaErrors.ThrowIfDryRun(context.Parameters);
        await context.RegionGrain.DeleteSubnetAsync(vSwitch.SubnetId);
    }

    private static JsonNode Render(EcsContext context, VpcView v) => new JsonObject
    {
        ["VpcId"] = v.VpcId,
        ["RegionId"] = context.Region.RegionId,
        ["Status"] = "Available",
        ["VpcName"] = Names.Of(v.Tags),
        ["Description"] = Names.DescriptionOf(v.Tags),
        ["CidrBlock"] = v.Cidr.ToString(),
        ["VRouterId"] = "vrt-" + v.VpcId[4..],
        ["IsDefault"] = false,
        ["VSwitchIds"] = Paging.Wrap("VSwitchId", context.Region.Subnets.Values.Where(s => s.VpcId == v.VpcId)
            .Select(s => s.SubnetId).Order(StringComparer.Ordinal).Select(id => (JsonNode)id)),
        ["Tags"] = Names.RenderTags(v.Tags, "Key", "Value"),
    };

    private static Ipv4Cidr Cidr(string text, string name) =>
        Ipv4Cidr.TryParse(text, out var cidr) && cidr.ToString() == text
            ? cidr
            : throw new AlibabaException("InvalidCidrBlock.Malformed", $"The specified parameter \"{name}\" ({text}) is not a valid CIDR block.");
}
