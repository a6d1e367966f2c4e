using System.Text.Json.Nodes;
using Harness.ControlPlane.Abstractions;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// CreateSecurityGroup, DescribeSecurityGroups and DeleteSecurityGroup: an ENI needs a group of its VPC, and an Alibaba VPC
/// has none of its own.
/// </summary>
internal static class SecurityGroupActions
{
    public static async Task CreateSecurityGroup(EcsContext context)
    {
        var p = context.Parameters;
        var vpc = Lookups.Vpc(context, p.Require("VpcId"));
        var group = await ClientTokenCall.RunAsync(context, () => context.RegionGrain.CreateSecurityGroupAsync(
            new CreateSecurityGroupCommand(p.Get("SecurityGroupName") ?? "", p.Get("Description") ?? "", vpc.VpcId, Names.Tags(null, null, p))));
        context.Body["SecurityGroupId"] = group.GroupId;
    }

    public static Task DescribeSecurityGroups(EcsContext context)
    {
        var p = context.Parameters;
        var vpcId = p.Get("VpcId");
        var ids = p.GetList("SecurityGroupIds").Concat(p.Get("SecurityGroupId") is { } one ? [one] : []).ToHashSet(StringComparer.Ordinal);
        var groups = context.Region.SecurityGroups.Values
            .Where(g => (vpcId is null || g.VpcId == vpcId) && (ids.Count == 0 || ids.Contains(g.GroupId)))
            .OrderBy(g => g.GroupId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.ByTokenOrNumber(context, groups, defaultSize: 10, maxPageSize: 50);
        context.Body["RegionId"] = context.Region.RegionId;
        context.Body["SecurityGroups"] = Paging.Wrap("SecurityGroup", page.Select(g => (JsonNode)new JsonObject
        {
            ["SecurityGroupId"] = g.GroupId,
            ["SecurityGroupName"] = g.GroupName,
            ["Description"] = g.Description,
            ["VpcId"] = g.VpcId,
            ["SecurityGroupType"] = "normal",
            ["Tags"] = Names.RenderTags(g.Tags, "TagKey", "TagValue"),
        }));
        return Task.CompletedTask;
    }

    /// <summary>
    /// A group no ENI is in (an instance's primary ENI included, and one still being deleted): otherwise
    /// <c>DependencyViolation</c> (403), as ECS answers "There is still instance(s) in the specified security group."
    /// </summary>
    public static async Task DeleteSecurityGroup(EcsContext context)
    {
        var group = Lookups.SecurityGroup(context, context.Parameters.Require("SecurityGroupId"));
        if (context.Region.NetworkInterfaces.Values.Any(n => n.GroupIds.Contains(group.GroupId))
            || context.Transitions.Ghosts<DeletedEni>(context.Region).Any(g => g.View.GroupIds.Contains(group.GroupId)))
        {
            throw new AlibabaException("DependencyViolation", $"There is still instance(s) in the specified security group {group.GroupId}.", 403);
        }

        await context.RegionGrain.DeleteSecurityGroupAsync(group.GroupId);
    }
}
