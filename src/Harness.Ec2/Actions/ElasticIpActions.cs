using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress, DescribeAddresses.</summary>
internal static class ElasticIpActions
{
    private static readonly Dictionary<string, Func<Eip, IEnumerable<string?>>> FilterFields = new()
    {
        ["allocation-id"] = e => [e.View.AllocationId],
        ["association-id"] = e => [e.Bound?.Binding.AssociationId],
        ["domain"] = e => [e.View.Domain],
        ["instance-id"] = e => [e.InstanceId],
        ["network-border-group"] = e => [e.View.NetworkBorderGroup],
        ["network-interface-id"] = e => [e.Bound?.NetworkInterfaceId],
        ["network-interface-owner-id"] = e => [e.Bound is null ? null : "123456789012"],
        ["private-ip-address"] = e => [e.Bound is null ? null : Ipv4.Format(e.Bound.PrivateIp)],
        ["public-ip"] = e => [Ipv4.Format(e.View.PublicIp)],
        ["public-ipv4-pool"] = e => [e.View.PublicIpv4Pool],
    };

    public static async Task AllocateAddress(Ec2Context context)
    {
        var p = context.Parameters;
        var domain = p.Get("Domain") ?? "vpc";
        if (domain is not ("vpc" or "standard"))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({domain}) for parameter domain is invalid.");
        }

        var address = p.GetIpv4("Address", "address");
        var pool = p.Get("PublicIpv4Pool");
        var coip = p.Get("CustomerOwnedIpv4Pool");
        if (coip is not null && (pool is not null || address is not null))
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter customerOwnedIpv4Pool cannot be used with publicIpv4Pool or address.");
        }

        var tags = TagParsing.Specifications(p, "elastic-ip");
        context.ThrowIfDryRun();
        var view = await context.RegionGrain.AllocateAddressAsync(
            new AllocateAddressCommand(domain, address, pool ?? p.Get("IpamPoolId"), p.Get("NetworkBorderGroup"), coip, tags));
        var x = context.Response.Element("allocationId", view.AllocationId);
        if (view.CustomerOwnedIpv4Pool is null)
        {
            x.Element("publicIpv4Pool", view.PublicIpv4Pool).Element("networkBorderGroup", view.NetworkBorderGroup)
                .Element("domain", view.Domain).Element("publicIp", Ipv4.Format(view.PublicIp));
        }
        else
        {
            x.Element("networkBorderGroup", view.NetworkBorderGroup).Element("domain", view.Domain)
                .Element("customerOwnedIp", Ipv4.Format(view.PublicIp)).Element("customerOwnedIpv4Pool", view.CustomerOwnedIpv4Pool);
        }
    }

    public static async Task AssociateAddress(Ec2Context context)
    {
        var p = context.Parameters;
        var allocationId = p.Get("AllocationId");
        var publicIp = p.GetIpv4("PublicIp", "publicIp");
        if (allocationId is null && publicIp is null)
        {
            throw Ec2Errors.MissingParameterMessage("Either public IP or allocation id must be specified");
        }

        if (allocationId is not null)
        {
            Lookup.Allocation(context, allocationId);
        }

        NetworkInterfaceView nic;
        if (p.Get("NetworkInterfaceId") is { } nicId)
        {
            nic = Lookup.Interface(context, nicId);
        }
        else if (p.Get("InstanceId") is { } instanceId)
        {
            var instance = Lookup.Instance(context, instanceId);
            if (instance.Attachments.Length > 1)
            {
                throw new Ec2Exception(
                    "InvalidInstanceID",
                    $"There are multiple interfaces attached to instance '{instance.InstanceId}'. Please specify an interface ID for the operation instead.");
            }

            var primary = instance.Attachments.FirstOrDefault(a => a.DeviceIndex == 0)
                ?? throw Ec2Errors.IncorrectInstanceState($"The instance '{instance.InstanceId}' is not in a valid state for this operation.");
            nic = Lookup.Interface(context, primary.NetworkInterfaceId);
        }
        else
        {
            throw Ec2Errors.MissingParameterMessage("Either instance ID or network interface ID must be specified");
        }

        var privateIp = p.GetIpv4("PrivateIpAddress", "privateIpAddress") ?? 0;
        context.ThrowIfDryRun();
        var associationId = await context.RegionGrain.AssociateAddressAsync(new AssociateAddressCommand(
            allocationId, publicIp, nic.SubnetId, nic.NetworkInterfaceId, privateIp, p.GetBool("AllowReassociation")));
        context.Response.Element("return", true).Element("associationId", associationId);
    }

    public static async Task DisassociateAddress(Ec2Context context)
    {
        var p = context.Parameters;
        var associationId = p.Get("AssociationId");
        var publicIp = p.GetIpv4("PublicIp", "publicIp");
        if (associationId is null && publicIp is null)
        {
            throw Ec2Errors.MissingParameter("AssociationId");
        }

        context.ThrowIfDryRun();
        await context.RegionGrain.DisassociateAddressAsync(associationId, publicIp);
        context.ReturnTrue();
    }

    public static async Task ReleaseAddress(Ec2Context context)
    {
        var p = context.Parameters;
        var allocationId = p.Get("AllocationId");
        var publicIp = p.GetIpv4("PublicIp", "publicIp");
        if (allocationId is null && publicIp is null)
        {
            throw Ec2Errors.MissingParameter("AllocationId");
        }

        if (allocationId is not null)
        {
            Lookup.Allocation(context, allocationId);
        }

        context.ThrowIfDryRun();
        await context.RegionGrain.ReleaseAddressAsync(allocationId, publicIp);
        context.ReturnTrue();
    }

    public static Task DescribeAddresses(Ec2Context context)
    {
        var p = context.Parameters;
        var region = context.Region;
        var ids = p.GetList("AllocationId");
        var ips = p.GetList("PublicIp");
        foreach (var id in ids)
        {
            Lookup.Allocation(context, id);
        }

        foreach (var ip in ips.Where(ip => !region.Addresses.Values.Any(a => Ipv4.Format(a.PublicIp) == ip)))
        {
            throw new Ec2Exception("InvalidAddress.NotFound", $"Address '{ip}' not found.");
        }

        var filters = Filters<Eip>.Parse(p, FilterFields, e => e.View.Tags);
        context.ThrowIfDryRun();
        var items = region.Addresses.Values
            .Where(a => (ids.Count == 0 || ids.Contains(a.AllocationId)) && (ips.Count == 0 || ips.Contains(Ipv4.Format(a.PublicIp))))
            .Select(a => Resolve(context, a))
            .Where(filters.Matches)
            .OrderBy(e => e.View.AllocationId, StringComparer.Ordinal);
        context.Response.Set("addressesSet", items, (x, e) =>
        {
            var v = e.View;
            x.Element("allocationId", v.AllocationId).Element("domain", v.Domain);
            if (e.Bound is { } b)
            {
                x.Element("associationId", b.Binding.AssociationId)
                    .Element("instanceId", e.InstanceId)
                    .Element("networkInterfaceId", b.NetworkInterfaceId)
                    .Element("networkInterfaceOwnerId", context.Options.AccountId)
                    .Element("privateIpAddress", Ipv4.Format(b.PrivateIp))
                    .Element("subnetId", v.BoundSubnetId);
            }

            x.Tags(v.Tags).Element("publicIpv4Pool", v.PublicIpv4Pool).Element("networkBorderGroup", v.NetworkBorderGroup);
            if (v.CustomerOwnedIpv4Pool is null)
            {
                x.Element("publicIp", Ipv4.Format(v.PublicIp));
            }
            else
            {
                x.Element("customerOwnedIp", Ipv4.Format(v.PublicIp)).Element("customerOwnedIpv4Pool", v.CustomerOwnedIpv4Pool);
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>An allocation with its binding, read from the subnet that holds it (so a moved address shows its new interface).</summary>
    private static Eip Resolve(Ec2Context context, AddressView view)
    {
        var region = context.Region;
        var bound = view.BoundSubnetId is { } s && region.Subnets.TryGetValue(s, out var subnet)
            ? subnet.BindingsByAllocation.GetValueOrDefault(view.AllocationId)
            : null;
        var instanceId = bound is not null && region.NetworkInterfaces.TryGetValue(bound.NetworkInterfaceId, out var nic)
            ? nic.Attachment?.InstanceId
            : null;
        return new Eip(view, bound, instanceId);
    }

    private sealed record Eip(AddressView View, BoundAddress? Bound, string? InstanceId);
}
