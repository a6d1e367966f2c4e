using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>CreateVpc, DescribeVpcs, DeleteVpc.</summary>
internal static class VpcActions
{
    private static readonly Dictionary<string, Func<VpcView, IEnumerable<string?>>> FilterFields = new()
    {
        ["vpc-id"] = v => [v.VpcId],
        ["cidr"] = v => [v.Cidr.ToString()],
        ["cidr-block-association.cidr-block"] = v => [v.Cidr.ToString()],
        ["state"] = v => [v.State],
        ["is-default"] = v => [v.IsDefault ? "true" : "false"],
        ["dhcp-options-id"] = v => [v.DhcpOptionsId],
        ["owner-id"] = _ => ["123456789012"],
    };

    public static async Task CreateVpc(Ec2Context context)
    {
        var p = context.Parameters;
        var cidr = ParseCidr(p.Require("CidrBlock"), "cidrBlock");
        var tenancy = p.Get("InstanceTenancy") ?? "default";
        var tags = TagParsing.Specifications(p, "vpc");
        context.ThrowIfDryRun();
        var vpc = await context.RegionGrain.CreateVpcAsync(new CreateVpcCommand(cidr, tenancy, tags));
        context.Response.Start("vpc");
        Write(context.Response, vpc);
        context.Response.End();
    }

    public static Task DescribeVpcs(Ec2Context context)
    {
        var p = context.Parameters;
        var ids = p.GetList("VpcId");
        foreach (var id in ids)
        {
            Lookup.Vpc(context, id);
        }

        var filters = Filters<VpcView>.Parse(p, FilterFields, v => v.Tags);
        context.ThrowIfDryRun();
        var matching = context.Region.Vpcs.Values.Where(v => (ids.Count == 0 || ids.Contains(v.VpcId)) && filters.Matches(v));
        var (page, next) = Paging.Page(p, matching, v => v.VpcId, "VpcIds", ids.Count > 0);
        context.Response.Set("vpcSet", page, Write).NextToken(next);
        return Task.CompletedTask;
    }

    public static async Task DeleteVpc(Ec2Context context)
    {
        var vpc = Lookup.Vpc(context, context.Parameters.Require("VpcId"));
        context.ThrowIfDryRun();
        await context.RegionGrain.DeleteVpcAsync(vpc.VpcId);
        context.ReturnTrue();
    }

    public static Ipv4Cidr ParseCidr(string text, string wireName) =>
        Ipv4Cidr.TryParse(text, out var cidr)
            ? cidr
            : throw Ec2Errors.InvalidParameterValue($"Value ({text}) for parameter {wireName} is invalid. This is not a valid CIDR block.");

    private static void Write(XmlResponse x, VpcView v) => x
        .Element("vpcId", v.VpcId)
        .Element("ownerId", "123456789012")
        .Element("state", v.State)
        .Element("cidrBlock", v.Cidr.ToString())
        .Set("cidrBlockAssociationSet", [v], static (x, v) => x
            .Element("associationId", "vpc-cidr-assoc-" + v.VpcId[4..])
            .Element("cidrBlock", v.Cidr.ToString())
            .Start("cidrBlockState").Element("state", "associated").End())
        .Element("dhcpOptionsId", v.DhcpOptionsId)
        .Tags(v.Tags)
        .Element("instanceTenancy", v.InstanceTenancy)
        .Element("isDefault", v.IsDefault);
}
