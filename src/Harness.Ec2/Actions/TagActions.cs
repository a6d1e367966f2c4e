using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Actions;

/// <summary>CreateTags, DeleteTags, DescribeTags: each resource's tags live with the grain that owns the resource.</summary>
internal static class TagActions
{
    private static readonly Dictionary<string, Func<TagRow, IEnumerable<string?>>> FilterFields = new()
    {
        ["resource-id"] = r => [r.ResourceId],
        ["resource-type"] = r => [r.ResourceType],
        ["key"] = r => [r.Tag.Key],
        ["value"] = r => [r.Tag.Value],
    };

    public static async Task CreateTags(Ec2Context context)
    {
        var p = context.Parameters;
        var resources = Resources(context);
        var tags = TagParsing.Tags(p);
        if (tags.Length == 0)
        {
            throw Ec2Errors.MissingParameter("Tag");
        }

        // The 50-tag limit is checked on every resource first, so a refused request tags nothing.
        foreach (var id in resources)
        {
            if (TagsOf(context, id).Select(t => t.Key).Union(tags.Select(t => t.Key)).Count() > 50)
            {
                throw Ec2Errors.TagLimitExceeded();
            }
        }

        context.ThrowIfDryRun();
        var update = new TagUpdate(tags, []);
        foreach (var id in resources)
        {
            await Update(context, id, update);
        }

        context.ReturnTrue();
    }

    public static async Task DeleteTags(Ec2Context context)
    {
        var resources = Resources(context);
        var deletions = TagParsing.Deletions(context.Parameters);
        context.ThrowIfDryRun();

        // No Tag.N means every tag of the resources.
        foreach (var id in resources)
        {
            var update = deletions.Length > 0
                ? new TagUpdate([], deletions)
                : new TagUpdate([], [.. TagsOf(context, id).Select(t => new TagDeletion(t.Key, null))]);
            await Update(context, id, update);
        }

        context.ReturnTrue();
    }

    public static Task DescribeTags(Ec2Context context)
    {
        var p = context.Parameters;
        var filters = Filters<TagRow>.Parse(p, FilterFields);
        context.ThrowIfDryRun();
        var region = context.Region;
        var rows = region.Vpcs.Values.SelectMany(v => Rows(v.VpcId, "vpc", v.Tags))
            .Concat(region.Subnets.Values.SelectMany(s => Rows(s.SubnetId, "subnet", s.Tags)))
            .Concat(region.SecurityGroups.Values.SelectMany(g => Rows(g.GroupId, "security-group", g.Tags)))
            .Concat(region.NetworkInterfaces.Values.SelectMany(n => Rows(n.NetworkInterfaceId, "network-interface", n.Tags)))
            .Concat(region.Instances.Values.SelectMany(i => Rows(i.InstanceId, "instance", i.Tags)))
            .Concat(region.Addresses.Values.SelectMany(a => Rows(a.AllocationId, "elastic-ip", a.Tags)))
            .Where(filters.Matches);
        var (page, next) = Paging.Page(p, rows, r => r.ResourceId + "\u0001" + r.Tag.Key, "", hasIds: false);
        context.Response.Set("tagSet", page, static (x, r) => x
            .Element("resourceId", r.ResourceId)
            .Element("resourceType", r.ResourceType)
            .Element("key", r.Tag.Key)
            .Element("value", r.Tag.Value)).Element("nextToken", next);
        return Task.CompletedTask;
    }

    private static List<string> Resources(Ec2Context context)
    {
        var ids = context.Parameters.GetList("ResourceId");
        if (ids.Count == 0)
        {
            throw Ec2Errors.MissingParameter("ResourceId");
        }

        foreach (var id in ids)
        {
            TagsOf(context, id);
        }

        return ids;
    }

    private static IEnumerable<Tag> TagsOf(Ec2Context context, string id)
    {
        var r = context.Region;
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var prefix = dash > 0 ? id[..dash] : id;
        var tags = prefix switch
        {
            "vpc" => r.Vpcs.GetValueOrDefault(id)?.Tags,
            "subnet" => r.Subnets.GetValueOrDefault(id)?.Tags,
            "sg" => r.SecurityGroups.GetValueOrDefault(id)?.Tags,
            "eni" => r.NetworkInterfaces.GetValueOrDefault(id)?.Tags,
            "i" => r.Instances.GetValueOrDefault(id)?.Tags,
            "eipalloc" => r.Addresses.GetValueOrDefault(id)?.Tags,
            _ => throw new Ec2Exception("InvalidID", $"The ID '{id}' is not valid"),
        };
        return tags ?? throw NotFound(prefix, id);
    }

    private static Ec2Exception NotFound(string prefix, string id) => prefix switch
    {
        "vpc" => Ec2Errors.NotFound("InvalidVpcID.NotFound", $"The vpc ID '{id}' does not exist"),
        "subnet" => Ec2Errors.NotFound("InvalidSubnetID.NotFound", $"The subnet ID '{id}' does not exist"),
        "sg" => Ec2Errors.NotFound("InvalidGroup.NotFound", $"The security group '{id}' does not exist"),
        "eni" => Ec2Errors.NotFound("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist"),
        "i" => Ec2Errors.NotFound("InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist"),
        _ => Ec2Errors.NotFound("InvalidAllocationID.NotFound", $"The allocation ID '{id}' does not exist"),
    };

    private static Task Update(Ec2Context context, string id, TagUpdate update) => id[..id.IndexOf('-', StringComparison.Ordinal)] switch
    {
        "subnet" => context.Grain<ISubnetGrain>(id).UpdateTagsAsync(update),
        "eni" => context.Grain<INetworkInterfaceGrain>(id).UpdateTagsAsync(update),
        "i" => context.Grain<IInstanceGrain>(id).UpdateTagsAsync(update),
        _ => context.RegionGrain.UpdateTagsAsync(id, update),
    };

    private static IEnumerable<TagRow> Rows(string id, string type, IEnumerable<Tag> tags) => tags.Select(t => new TagRow(id, type, t));

    private sealed record TagRow(string ResourceId, string ResourceType, Tag Tag);
}
