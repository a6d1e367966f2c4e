using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>CreateNetworkInterface, DescribeNetworkInterfaces(Attribute), ModifyNetworkInterfaceAttribute, DeleteNetworkInterface.</summary>
internal static class EniActions
{
    public static async Task CreateNetworkInterface(EcsContext context)
    {
        var created = await ClientTokenCall.RunAsync(context, () => ValidateAndCreate(context));
        context.Region.TryGetInterface(created.NetworkInterfaceId, out var view, out var addresses);
        foreach (var (name, value) in EniJson.Render(view ?? created, addresses, "Available").ToList())
        {
            context.Body[name] = value?.DeepClone();
        }
    }

    private static async Task<NetworkInterfaceView> ValidateAndCreate(EcsContext context)
    {
        var p = context.Parameters;
        var vSwitch = Lookups.VSwitch(context, p.Require("VSwitchId"));
        var groupIds = p.GetList("SecurityGroupIds");
        if (p.Get("SecurityGroupId") is { } single)
        {
            if (groupIds.Count > 0)
            {
                throw AlibabaErrors.Conflict("SecurityGroupId and SecurityGroupIds.N cannot be given together.");
            }

            groupIds.Add(single);
        }

        if (groupIds.Count == 0)
        {
            throw AlibabaErrors.MissingParameter("SecurityGroupId");
        }

        foreach (var id in groupIds)
        {
            if (Lookups.SecurityGroup(context, id).VpcId != vSwitch.VpcId)
            {
                throw new AlibabaException("InvalidOperation.VpcMismatch", $"The security group {id} and the vSwitch {vSwitch.SubnetId} are in different VPCs.", 403);
            }
        }

        var primary = p.Get("PrimaryIpAddress") is { } text ? Addresses.Usable(context, vSwitch, text) : 0;
        var secondaries = p.GetList("PrivateIpAddress").Select(a => Addresses.Usable(context, vSwitch, a)).ToImmutableArray();
        var count = p.GetInt("SecondaryPrivateIpAddressCount", "InvalidSecondaryPrivateIpAddressCount.Malformed");
        if (secondaries.Length > 0 && count is not null)
        {
            throw AlibabaErrors.Conflict("PrivateIpAddress.N and SecondaryPrivateIpAddressCount cannot be given together.");
        }

        if (secondaries.Length > 10 || count is < 1 or > 49)
        {
            throw AlibabaErrors.InvalidParameter(count is null ? "PrivateIpAddress" : "SecondaryPrivateIpAddressCount");
        }

        var (prefixes, prefixCount) = Addresses.Prefixes(p);
        var type = p.Get("InstanceType") ?? "Secondary";
        if (type is not ("Secondary" or "Trunk"))
        {
            throw AlibabaErrors.InvalidParameter("InstanceType");
        }

        var identity = await context.RegionGrain.NewInterfaceAsync();
        var spec = new CreateInterfaceSpec(
            context.Region.Name, identity.NetworkInterfaceId, vSwitch.SubnetId, vSwitch.VpcId, vSwitch.AvailabilityZone, vSwitch.AvailabilityZoneId,
            identity.MacAddress, p.Get("Description") ?? "", [.. groupIds.Distinct()], type == "Trunk" ? "trunk" : "interface", primary,
            new AddressRequest(secondaries, count ?? 0, prefixes, prefixCount, AllowReassignment: false, MaxIpv4: 0),
            Names.Tags(p.Get("NetworkInterfaceName"), null, p), identity.Sequence);
        return await context.Grain<INetworkInterfaceGrain>(identity.NetworkInterfaceId).CreateAsync(spec);
    }

    public static Task DescribeNetworkInterfaces(EcsContext context)
    {
        var p = context.Parameters;
        var ids = p.GetList("NetworkInterfaceId");
        var ips = p.GetList("PrivateIpAddress").Select(RpcParameters.ParseIp).ToHashSet();
        var primary = p.Get("PrimaryIpAddress") is { } text ? RpcParameters.ParseIp(text) : (uint?)null;
        var (instanceId, vpcId, vSwitchId, groupId, type, status, name) =
            (p.Get("InstanceId"), p.Get("VpcId"), p.Get("VSwitchId"), p.Get("SecurityGroupId"), p.Get("Type"), p.Get("Status"), p.Get("NetworkInterfaceName"));
        if (ids.Count > 100 || ips.Count > 100)
        {
            throw AlibabaErrors.InvalidParameter(ids.Count > 100 ? "NetworkInterfaceId" : "PrivateIpAddress");
        }

        var region = context.Region;
        // ENIs being deleted still show, Deleting, until their delete settles.
        var deleting = context.Transitions.Ghosts<DeletedEni>(region)
            .Where(d => !region.NetworkInterfaces.ContainsKey(d.View.NetworkInterfaceId))
            .ToDictionary(d => d.View.NetworkInterfaceId, StringComparer.Ordinal);
        IEnumerable<NetworkInterfaceView> candidates = ids.Count > 0
            ? ids.Distinct().Select(id => region.NetworkInterfaces.GetValueOrDefault(id) ?? deleting.GetValueOrDefault(id)?.View).OfType<NetworkInterfaceView>()
            : region.NetworkInterfaces.Values.Concat(deleting.Values.Select(d => d.View));

        // One snapshot per vSwitch for the whole reply: an address that moves mid-request shows once, not twice.
        var subnets = new Dictionary<string, SubnetView?>(StringComparer.Ordinal);
        InterfaceAddresses AddressesOf(NetworkInterfaceView v)
        {
            if (deleting.TryGetValue(v.NetworkInterfaceId, out var gone))
            {
                return gone.Addresses;
            }

            if (!subnets.TryGetValue(v.SubnetId, out var subnet))
            {
                subnets[v.SubnetId] = subnet = region.Subnets.GetValueOrDefault(v.SubnetId);
            }

            return subnet?.AddressesOf(v.NetworkInterfaceId) ?? InterfaceAddresses.Empty;
        }

        var matching = candidates
            .Where(v => (instanceId is null || v.Attachment?.InstanceId == instanceId) && (vpcId is null || v.VpcId == vpcId)
                && (vSwitchId is null || v.SubnetId == vSwitchId) && (groupId is null || v.GroupIds.Contains(groupId))
                && (type is null || EniJson.TypeOf(v) == type) && (status is null || Lookups.StatusOf(context, v) == status)
                && (name is null || Names.Of(v.Tags) == name) && Tagged(p, v.Tags))
            .Select(v => (View: v, Addresses: AddressesOf(v)))
            .Where(e => (ips.Count == 0 || e.Addresses.All.Any(ips.Contains)) && (primary is null || e.Addresses.Primary == primary))
            .OrderBy(e => e.View.Sequence)
            .ToList();
        var page = Paging.ByTokenOrNumber(context, matching, defaultSize: 10, maxPageSize: 100);
        context.Body["NetworkInterfaceSets"] = Paging.Wrap("NetworkInterfaceSet", page.Select(e => EniJson.Render(e.View, e.Addresses, Lookups.StatusOf(context, e.View))));
        return Task.CompletedTask;
    }

    public static Task DescribeNetworkInterfaceAttribute(EcsContext context)
    {
        var id = context.Parameters.Require("NetworkInterfaceId");
        var (view, addresses) = context.Transitions.Current(context.Region, id)?.Ghost is DeletedEni gone && !context.Region.NetworkInterfaces.ContainsKey(id)
            ? (gone.View, gone.Addresses)
            : (Lookups.Eni(context, id), InterfaceAddresses.Empty);
        if (addresses.Primary == 0)
        {
            context.Region.TryGetInterface(view.NetworkInterfaceId, out _, out addresses);
        }

        foreach (var (name, value) in EniJson.Render(view, addresses, Lookups.StatusOf(context, view)).ToList())
        {
            context.Body[name] = value?.DeepClone();
        }

        return Task.CompletedTask;
    }

    public static async Task ModifyNetworkInterfaceAttribute(EcsContext context)
    {
        var p = context.Parameters;
        var view = Lookups.Eni(context, p.Require("NetworkInterfaceId"));
        var groups = p.GetList("SecurityGroupId");
        foreach (var id in groups)
        {
            if (Lookups.SecurityGroup(context, id).VpcId != view.VpcId)
            {
                throw new AlibabaException("InvalidOperation.VpcMismatch", $"The security group {id} is not in the ENI's VPC {view.VpcId}.", 403);
            }
        }

        var deleteOnRelease = p.GetBool("DeleteOnRelease");
        var grain = context.Grain<INetworkInterfaceGrain>(view.NetworkInterfaceId);
        await grain.ModifyAsync(new ModifyInterfaceCommand(
            p.Get("Description"), groups.Count > 0 ? [.. groups.Distinct()] : null, p.GetBool("SourceDestCheck"),
            view.Attachment?.AttachmentId, view.Attachment is null ? null : deleteOnRelease));
        if (p.Get("NetworkInterfaceName") is { } name)
        {
            await grain.UpdateTagsAsync(new TagUpdate([new Tag(Names.NameKey, name)], []));
        }
    }

    public static async Task DeleteNetworkInterface(EcsContext context)
    {
        var view = Lookups.Eni(context, context.Parameters.Require("NetworkInterfaceId"));
        if (Lookups.StatusOf(context, view) is not "Available" and var status)
        {
            throw AlibabaErrors.InvalidEniState($"The network interface {view.NetworkInterfaceId} is {status}; only an Available one can be deleted.");
        }

        // Asynchronous on Alibaba: gone from the grains now, shown Deleting (with what it held) until the delete settles.
        context.Region.TryGetInterface(view.NetworkInterfaceId, out _, out var held);
        await context.Transitions.ChangeAsync(
            context.Region, view.NetworkInterfaceId, "Deleting",
            () => context.Grain<INetworkInterfaceGrain>(view.NetworkInterfaceId).DeleteAsync(evenIfAttached: false),
            () => AlibabaErrors.InvalidEniState($"The network interface {view.NetworkInterfaceId} is being changed by another request."),
            new DeletedEni(view, held));
    }

    /// <summary><c>Tag.N.Key</c>/<c>Tag.N.Value</c> filters: every key given must be there, with the value when one is given.</summary>
    private static bool Tagged(RpcParameters p, ImmutableArray<Tag> tags)
    {
        for (var i = 1; p.Get($"Tag.{i}.Key") is { } key; i++)
        {
            var value = p.Get($"Tag.{i}.Value");
            if (!tags.Any(t => t.Key == key && (value is null || t.Value == value)))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>An ENI being deleted, as it last was: what Describe shows, Deleting, until the delete settles.</summary>
internal sealed record DeletedEni(NetworkInterfaceView View, InterfaceAddresses Addresses);
