using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface.</summary>
internal static class NetworkInterfaceActions
{
    private static readonly Dictionary<string, Func<Eni, IEnumerable<string?>>> FilterFields = new()
    {
        ["network-interface-id"] = e => [e.View.NetworkInterfaceId],
        ["attachment.instance-id"] = e => [e.View.Attachment?.InstanceId],
        ["attachment.attachment-id"] = e => [e.View.Attachment?.AttachmentId],
        ["attachment.device-index"] = e => [e.View.Attachment?.DeviceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["attachment.status"] = e => [e.View.Attachment?.Status],
        ["attachment.delete-on-termination"] = e => [e.View.Attachment is { } a ? Bool(a.DeleteOnTermination) : null],
        ["attachment.instance-owner-id"] = e => [e.View.Attachment is null ? null : "123456789012"],
        ["addresses.private-ip-address"] = e => e.Addresses.All.Select(Ipv4.Format),
        ["addresses.primary"] = e => e.Addresses.All.Select(ip => Bool(ip == e.Addresses.Primary)),
        ["addresses.association.public-ip"] = e => e.Addresses.Bindings.Values.Select(b => Ipv4.Format(b.PublicIp)),
        ["association.public-ip"] = e => e.Addresses.Bindings.Values.Select(b => Ipv4.Format(b.PublicIp)),
        ["association.allocation-id"] = e => e.Addresses.Bindings.Values.Select(b => b.AllocationId),
        ["association.association-id"] = e => e.Addresses.Bindings.Values.Select(b => b.AssociationId),
        ["private-ip-address"] = e => e.Addresses.All.Select(Ipv4.Format),
        ["private-dns-name"] = e => [e.Addresses.Primary == 0 ? null : NetworkInterfaceXml.PrivateDnsName(e.Region, e.Addresses.Primary)],
        ["ipv4-prefix"] = e => e.Addresses.Prefixes.Select(p => new Ipv4Cidr(p, 28).ToString()),
        ["mac-address"] = e => [e.View.MacAddress],
        ["subnet-id"] = e => [e.View.SubnetId],
        ["vpc-id"] = e => [e.View.VpcId],
        ["availability-zone"] = e => [e.View.AvailabilityZone],
        ["status"] = e => [e.View.Status],
        ["group-id"] = e => e.View.GroupIds,
        ["group-name"] = e => e.GroupNames,
        ["description"] = e => [e.View.Description],
        ["interface-type"] = e => [e.View.InterfaceType],
        ["owner-id"] = _ => ["123456789012"],
        ["requester-managed"] = _ => ["false"],
        ["source-dest-check"] = e => [Bool(e.View.SourceDestCheck)],
    };

    public static async Task CreateNetworkInterface(Ec2Context context)
    {
        // As for RunInstances, a ClientToken retry gets the first answer without being validated again.
        var (view, _) = await Idempotency.RunAsync(context, () => ValidateAndCreate(context));
        context.Region.TryGetInterface(view.NetworkInterfaceId, out var current, out var addresses);
        context.Response.Start("networkInterface");
        NetworkInterfaceXml.Write(context.Response, context, current ?? view, addresses);
        context.Response.End().Element("clientToken", context.Parameters.Get("ClientToken"));
    }

    private static async Task<NetworkInterfaceView> ValidateAndCreate(Ec2Context context)
    {
        var p = context.Parameters;
        var subnet = Lookup.Subnet(context, p.Require("SubnetId"));
        var (primary, secondaries) = ParsePrivateAddresses(p);
        var prefixes = ParsePrefixes(p.GetStructs("Ipv4Prefix").Select(s => s.Get("Ipv4Prefix") ?? throw Ec2Errors.MissingParameter("Ipv4Prefix")));
        var count = p.GetInt("SecondaryPrivateIpAddressCount") ?? 0;
        var prefixCount = p.GetInt("Ipv4PrefixCount") ?? 0;
        if (prefixes.Length > 0 && prefixCount > 0)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameters 'ipv4Prefixes' and 'ipv4PrefixCount' cannot be used together.");
        }

        if (count < 0 || prefixCount < 0)
        {
            throw Ec2Errors.InvalidValue(count < 0 ? "secondaryPrivateIpAddressCount" : "ipv4PrefixCount", (count < 0 ? count : prefixCount).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var groups = SecurityGroups(context, p.GetList("SecurityGroupId"), subnet.VpcId);
        var tags = TagParsing.Specifications(p, "network-interface");
        var interfaceType = p.Get("InterfaceType") ?? "interface";
        context.ThrowIfDryRun();
        var identity = await context.RegionGrain.NewInterfaceAsync();
        var spec = new CreateInterfaceSpec(
            context.Region.Name, identity.NetworkInterfaceId, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone, subnet.AvailabilityZoneId,
            identity.MacAddress, p.Get("Description") ?? "", groups, interfaceType, primary,
            new AddressRequest(secondaries, count, prefixes, prefixCount, AllowReassignment: false, MaxIpv4: 0), tags, identity.Sequence);
        return await context.Grain<INetworkInterfaceGrain>(identity.NetworkInterfaceId).CreateAsync(spec);
    }

    public static Task DescribeNetworkInterfaces(Ec2Context context)
    {
        var p = context.Parameters;
        var ids = p.GetList("NetworkInterfaceId");
        Paging.CheckNotWithIds(p, ids.Count > 0, "NetworkInterfaceIds");
        var region = context.Region;
        var filters = Filters<Eni>.Parse(p, FilterFields, e => e.View.Tags);
        IEnumerable<NetworkInterfaceView> candidates;
        if (ids.Count > 0)
        {
            // By id: a dictionary look-up per id, whatever the number of interfaces in the region.
            candidates = ids.Distinct().Select(id => Lookup.Interface(context, id)).ToList();
        }
        else
        {
            candidates = region.NetworkInterfaces.Values;
        }

        context.ThrowIfDryRun();

        // One snapshot per subnet for the whole response: an address that moves mid-request shows once, not twice.
        var subnets = new Dictionary<string, SubnetView?>(StringComparer.Ordinal);
        var matching = candidates.Select(v =>
        {
            if (!subnets.TryGetValue(v.SubnetId, out var subnet))
            {
                subnets[v.SubnetId] = subnet = region.Subnets.GetValueOrDefault(v.SubnetId);
            }

            return new Eni(v, subnet?.AddressesOf(v.NetworkInterfaceId) ?? InterfaceAddresses.Empty, region.Name, context);
        }).Where(filters.Matches);
        var (page, next) = Paging.Page(p, matching, e => e.View.NetworkInterfaceId, "NetworkInterfaceIds", ids.Count > 0);
        context.Response.Set("networkInterfaceSet", page, (x, e) => NetworkInterfaceXml.Write(x, context, e.View, e.Addresses)).NextToken(next);
        return Task.CompletedTask;
    }

    public static async Task DeleteNetworkInterface(Ec2Context context)
    {
        var view = Lookup.Interface(context, context.Parameters.Require("NetworkInterfaceId"));
        context.ThrowIfDryRun();
        await context.Grain<INetworkInterfaceGrain>(view.NetworkInterfaceId).DeleteAsync(evenIfAttached: false);
        context.ReturnTrue();
    }

    /// <summary>PrivateIpAddress and PrivateIpAddresses.N (one of which may be Primary) as (primary, secondaries).</summary>
    public static (uint Primary, ImmutableArray<uint> Secondaries) ParsePrivateAddresses(QueryParameters p, string listName = "PrivateIpAddresses")
    {
        var primary = p.GetIpv4("PrivateIpAddress", "privateIpAddress") ?? 0;
        var secondaries = ImmutableArray.CreateBuilder<uint>();
        foreach (var entry in p.GetStructs(listName))
        {
            var address = entry.GetIpv4("PrivateIpAddress", "privateIpAddress") ?? throw Ec2Errors.MissingParameter("PrivateIpAddresses.PrivateIpAddress");
            if (entry.GetBool("Primary") == true)
            {
                if (primary != 0 && primary != address)
                {
                    throw Ec2Errors.InvalidParameterValue("Only one primary private IP address can be specified.");
                }

                primary = address;
            }
            else if (address != primary)
            {
                secondaries.Add(address);
            }
        }

        return (primary, secondaries.ToImmutable());
    }

    /// <summary>IPv4 prefixes must be /28 blocks on a /28 boundary.</summary>
    public static ImmutableArray<uint> ParsePrefixes(IEnumerable<string> texts) =>
    [
        .. texts.Select(text => Ipv4Cidr.TryParse(text, out var cidr) && cidr.PrefixLength == 28
            ? cidr.Network
            : throw Ec2Errors.InvalidParameterValue($"Invalid value '{text}' for ipv4Prefix. The prefix must be a /28 and aligned.")),
    ];

    public static ImmutableArray<string> SecurityGroups(Ec2Context context, List<string> ids, string vpcId)
    {
        if (ids.Count == 0)
        {
            return [.. context.Region.SecurityGroups.Values.Where(g => g.VpcId == vpcId && g.GroupName == "default").Select(g => g.GroupId)];
        }

        foreach (var id in ids)
        {
            var group = Lookup.SecurityGroup(context, id);
            if (group.VpcId != vpcId)
            {
                throw Ec2Errors.InvalidParameter($"Security group {id} and subnet belong to different networks.");
            }
        }

        return [.. ids.Distinct()];
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>An interface with its addresses, as filters and the renderer see it.</summary>
    private sealed record Eni(NetworkInterfaceView View, InterfaceAddresses Addresses, string Region, Ec2Context Context)
    {
        public IEnumerable<string?> GroupNames => View.GroupIds.Select(id => Context.Region.SecurityGroups.GetValueOrDefault(id)?.GroupName);
    }
}
