using System.Globalization;
using System.Text.Json.Nodes;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// Elastic IP addresses (VPC API): Allocate (Available at once), Associate (asynchronous: Associating, then InUse),
/// Unassociate (Unassociating, then Available), Release (only an Available one), Describe. An EIP lives with the private
/// address it is bound to, as on EC2, so it follows that address when it moves.
/// </summary>
internal static class EipActions
{
    private const string BandwidthKey = "acs:harness:bandwidth";
    private const string ChargeKey = "acs:harness:internet-charge-type";
    private const string BoundAsKey = "acs:harness:associated-as";

    public static async Task AllocateEipAddress(EcsContext context)
    {
        var p = context.Parameters;
        var bandwidth = p.Get("Bandwidth") ?? "5";
        if (!int.TryParse(bandwidth, NumberStyles.None, CultureInfo.InvariantCulture, out var mbps) || mbps is < 1 or > 10000)
        {
            throw AlibabaErrors.InvalidParameter("Bandwidth");
        }

        var charge = p.Get("InternetChargeType") ?? "PayByBandwidth";
        if (charge is not ("PayByBandwidth" or "PayByTraffic"))
        {
            throw AlibabaErrors.InvalidParameter("InternetChargeType");
        }

        var tags = Names.Tags(p.Get("Name"), p.Get("Description"), p).Add(new Tag(BandwidthKey, bandwidth)).Add(new Tag(ChargeKey, charge));
        var view = await ClientTokenCall.RunAsync(context, () => context.RegionGrain.AllocateAddressAsync(
            new AllocateAddressCommand("vpc", null, null, null, null, tags)));
        context.Body["AllocationId"] = view.AllocationId;
        context.Body["EipAddress"] = Ipv4.Format(view.PublicIp);
        context.Body["OrderId"] = "";
        context.Body["ResourceGroupId"] = "";
    }

    public static async Task AssociateEipAddress(EcsContext context)
    {
        var p = context.Parameters;
        var eip = Eip(context, p.Require("AllocationId"));
        var targetId = p.Require("InstanceId");
        var kind = p.Get("InstanceType") ?? "EcsInstance";
        NetworkInterfaceView eni;
        uint privateIp = 0;
        switch (kind)
        {
            case "EcsInstance":
                var instance = Lookups.Instance(context, targetId);
                var primary = instance.Attachments.FirstOrDefault(a => a.DeviceIndex == 0)
                    ?? throw new AlibabaException("IncorrectInstanceStatus", $"The instance {targetId} has no primary ENI.", 403);
                eni = Lookups.Eni(context, primary.NetworkInterfaceId);
                break;
            case "NetworkInterface":
                eni = Lookups.Eni(context, targetId);
                if (p.Get("PrivateIpAddress") is { } text)
                {
                    privateIp = RpcParameters.ParseIp(text);
                    context.Region.TryGetInterface(eni.NetworkInterfaceId, out _, out var held);
                    if (!held.All.Contains(privateIp))
                    {
                        throw AlibabaErrors.InvalidParameter("PrivateIpAddress", $"The private IP address {text} is not on the network interface {eni.NetworkInterfaceId}.");
                    }
                }

                break;
            default:
                throw AlibabaErrors.InvalidParameter("InstanceType", "The harness associates EIPs with an EcsInstance or a NetworkInterface.");
        }

        if (StatusOf(context, eip) != "Available")
        {
            throw IncorrectStatus(eip.AllocationId, StatusOf(context, eip));
        }

        await context.Transitions.ChangeAsync(
            context.Region, eip.AllocationId, "Associating",
            async () =>
            {
                await context.RegionGrain.UpdateTagsAsync(eip.AllocationId, new TagUpdate([new Tag(BoundAsKey, kind)], []));
                await context.RegionGrain.AssociateAddressAsync(new AssociateAddressCommand(eip.AllocationId, null, eni.SubnetId, eni.NetworkInterfaceId, privateIp, AllowReassociation: false));
            },
            () => IncorrectStatus(eip.AllocationId, StatusOf(context, eip)));
    }

    public static async Task UnassociateEipAddress(EcsContext context)
    {
        var p = context.Parameters;
        var eip = Eip(context, p.Require("AllocationId"));
        var instanceId = p.Require("InstanceId");
        var binding = Binding(context, eip);
        if (StatusOf(context, eip) != "InUse" || binding is null)
        {
            throw IncorrectStatus(eip.AllocationId, StatusOf(context, eip));
        }

        if (AssociatedWith(context, eip, binding).InstanceId != instanceId)
        {
            throw new AlibabaException("InvalidBindingStatus", $"The EIP {eip.AllocationId} is not associated with {instanceId}.");
        }

        await context.Transitions.ChangeAsync(
            context.Region, eip.AllocationId, "Unassociating", () => context.RegionGrain.DisassociateAddressAsync(binding.Binding.AssociationId, null),
            () => IncorrectStatus(eip.AllocationId, StatusOf(context, eip)));
    }

    public static async Task ReleaseEipAddress(EcsContext context)
    {
        var eip = Eip(context, context.Parameters.Require("AllocationId"));
        if (StatusOf(context, eip) != "Available")
        {
            throw IncorrectStatus(eip.AllocationId, StatusOf(context, eip));
        }

        await context.Transitions.ChangeAsync(
            context.Region, eip.AllocationId, "Releasing", () => context.RegionGrain.ReleaseAddressAsync(eip.AllocationId, null),
            () => IncorrectStatus(eip.AllocationId, StatusOf(context, eip)));
    }

    public static Task DescribeEipAddresses(EcsContext context)
    {
        var p = context.Parameters;
        var ids = p.Get("AllocationId")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (address, status, associatedId) = (p.Get("EipAddress"), p.Get("Status"), p.Get("AssociatedInstanceId"));
        var all = context.Region.Addresses.Values
            .Select(e => (View: e, Status: StatusOf(context, e), Binding: Binding(context, e)))
            .Select(e => (e.View, e.Status, e.Binding, Target: e.Binding is null ? default : AssociatedWith(context, e.View, e.Binding)))
            .Where(e => (ids is null || ids.Contains(e.View.AllocationId)) && (address is null || Ipv4.Format(e.View.PublicIp) == address)
                && (status is null || e.Status == status) && (associatedId is null || e.Target.InstanceId == associatedId))
            .OrderBy(e => e.View.AllocationId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.ByNumber(context, all, defaultSize: 10, maxSize: 100);
        context.Body["EipAddresses"] = Paging.Wrap("EipAddress", page.Select(e => (JsonNode)new JsonObject
        {
            ["AllocationId"] = e.View.AllocationId,
            ["IpAddress"] = Ipv4.Format(e.View.PublicIp),
            ["Status"] = e.Status,
            ["InstanceId"] = e.Target.InstanceId ?? "",
            ["InstanceType"] = e.Target.Kind ?? "",
            ["PrivateIpAddress"] = e.Binding is null ? "" : Ipv4.Format(e.Binding.PrivateIp),
            ["Mode"] = "NAT",
            ["Bandwidth"] = Tag(e.View, BandwidthKey) ?? "5",
            ["InternetChargeType"] = Tag(e.View, ChargeKey) ?? "PayByBandwidth",
            ["InstanceChargeType"] = "PostPaid",
            ["Name"] = Names.Of(e.View.Tags),
            ["Description"] = Names.DescriptionOf(e.View.Tags),
            ["RegionId"] = context.Region.RegionId,
            ["Tags"] = Names.RenderTags(e.View.Tags, "Key", "Value"),
        }));
        return Task.CompletedTask;
    }

    /// <summary>
    /// An EIP of the request's region, or, since Associate, Unassociate and Release take <c>RegionId</c> as optional
    /// (ALIBABA.md §3), of whichever Alibaba region allocated it.
    /// </summary>
    private static AddressView Eip(EcsContext context, string id)
    {
        if (context.Parameters.Get("RegionId") is null)
        {
            context.UseRegionOfAddress(id);
        }

        return context.Region.Addresses.TryGetValue(id, out var view)
            ? view
            : throw AlibabaErrors.AllocationNotFound(id);
    }

    private static BoundAddress? Binding(EcsContext context, AddressView eip) =>
        eip.BoundSubnetId is { } subnetId && context.Region.Subnets.TryGetValue(subnetId, out var subnet)
            ? subnet.BindingsByAllocation.GetValueOrDefault(eip.AllocationId)
            : null;

    /// <summary>What the EIP was associated with: the instance (its primary ENI's primary address) or the ENI.</summary>
    private static (string? InstanceId, string? Kind) AssociatedWith(EcsContext context, AddressView eip, BoundAddress binding)
    {
        if (Tag(eip, BoundAsKey) == "EcsInstance"
            && context.Region.NetworkInterfaces.TryGetValue(binding.NetworkInterfaceId, out var eni) && eni.Attachment is { DeviceIndex: 0 } attachment)
        {
            return (attachment.InstanceId, "EcsInstance");
        }

        return (binding.NetworkInterfaceId, "NetworkInterface");
    }

    private static string StatusOf(EcsContext context, AddressView eip) =>
        context.Transitions.Current(context.Region, eip.AllocationId)?.Status ?? (Binding(context, eip) is null ? "Available" : "InUse");

    private static string? Tag(AddressView eip, string key) => eip.Tags.FirstOrDefault(t => t.Key == key)?.Value;

    private static AlibabaException IncorrectStatus(string id, string status) =>
        new("IncorrectEipStatus", $"The current status of the EIP {id} ({status}) does not support this operation.");
}
