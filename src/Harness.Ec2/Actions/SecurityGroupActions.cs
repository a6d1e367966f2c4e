using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup: groups as names for interfaces; rules are not modelled.</summary>
internal static class SecurityGroupActions
{
    private static readonly Dictionary<string, Func<SecurityGroupView, IEnumerable<string?>>> FilterFields = new()
    {
        ["group-id"] = g => [g.GroupId],
        ["group-name"] = g => [g.GroupName],
        ["description"] = g => [g.Description],
        ["vpc-id"] = g => [g.VpcId],
        ["owner-id"] = _ => ["123456789012"],
    };

    public static async Task CreateSecurityGroup(Ec2Context context)
    {
        var p = context.Parameters;
        var name = p.Require("GroupName");
        var description = p.Require("GroupDescription");
        var vpcId = p.Get("VpcId") ?? throw new Ec2Exception("VPCIdNotSpecified", "No default VPC for this user");
        var vpc = Lookup.Vpc(context, vpcId);
        var tags = TagParsing.Specifications(p, "security-group");
        context.ThrowIfDryRun();
        var group = await context.RegionGrain.CreateSecurityGroupAsync(new CreateSecurityGroupCommand(name, description, vpc.VpcId, tags));
        context.Response.Element("groupId", group.GroupId).Tags(group.Tags)
            .Element("securityGroupArn", $"arn:aws:ec2:{context.Region.Name}:123456789012:security-group/{group.GroupId}");
    }

    public static Task DescribeSecurityGroups(Ec2Context context)
    {
        var p = context.Parameters;
        var ids = p.GetList("GroupId");
        var names = p.GetList("GroupName");
        foreach (var id in ids)
        {
            Lookup.SecurityGroup(context, id);
        }

        foreach (var name in names.Where(n => !context.Region.SecurityGroups.Values.Any(g => g.GroupName == n)))
        {
            throw Ec2Errors.NotFound("InvalidGroup.NotFound", $"The security group '{name}' does not exist");
        }

        var filters = Filters<SecurityGroupView>.Parse(p, FilterFields, g => g.Tags);
        context.ThrowIfDryRun();
        var matching = context.Region.SecurityGroups.Values.Where(g =>
            (ids.Count == 0 || ids.Contains(g.GroupId)) && (names.Count == 0 || names.Contains(g.GroupName)) && filters.Matches(g));
        var (page, next) = Paging.Page(p, matching, g => g.GroupId, "GroupIds", ids.Count + names.Count > 0);
        context.Response.Set("securityGroupInfo", page, static (x, g) => x
            .Element("ownerId", "123456789012")
            .Element("groupId", g.GroupId)
            .Element("groupName", g.GroupName)
            .Element("groupDescription", g.Description)
            .Element("vpcId", g.VpcId)
            .Set("ipPermissions", Array.Empty<int>(), static (_, _) => { })
            .Set("ipPermissionsEgress", [0], static (x, _) => x
                .Element("ipProtocol", "-1")
                .Set("groups", Array.Empty<int>(), static (_, _) => { })
                .Set("ipRanges", [0], static (x, _) => x.Element("cidrIp", "0.0.0.0/0"))
                .Set("prefixListIds", Array.Empty<int>(), static (_, _) => { }))
            .Tags(g.Tags)).NextToken(next);
        return Task.CompletedTask;
    }

    public static async Task DeleteSecurityGroup(Ec2Context context)
    {
        var p = context.Parameters;
        string groupId;
        if (p.Get("GroupId") is { } id)
        {
            groupId = Lookup.SecurityGroup(context, id).GroupId;
        }
        else
        {
            var name = p.Get("GroupName") ?? throw Ec2Errors.MissingParameter("GroupId");
            groupId = context.Region.SecurityGroups.Values.FirstOrDefault(g => g.GroupName == name)?.GroupId
                ?? throw Ec2Errors.NotFound("InvalidGroup.NotFound", $"The security group '{name}' does not exist");
        }

        context.ThrowIfDryRun();
        await context.RegionGrain.DeleteSecurityGroupAsync(groupId);
        context.Response.Return().Element("groupId", groupId);
    }
}
