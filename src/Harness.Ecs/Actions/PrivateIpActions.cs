using System.Text.Json.Nodes;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// AssignPrivateIpAddresses and UnassignPrivateIpAddresses (seed 002): the remap the harness exists to rehearse. Unlike
/// EC2 there is no AllowReassignment: an address another ENI holds is <c>InvalidPrivateIpAddress.Duplicated</c>, so a
/// failover unassigns it from the old ENI first.
/// </summary>
internal static class PrivateIpActions
{
    public static async Task AssignPrivateIpAddresses(EcsContext context)
    {
        var p = context.Parameters;
        var eni = Lookups.Eni(context, p.Require("NetworkInterfaceId"));
        var vSwitch = Lookups.VSwitch(context, eni.SubnetId);
        var texts = p.GetList("PrivateIpAddress");
        var count = p.GetInt("SecondaryPrivateIpAddressCount", "InvalidSecondaryPrivateIpAddressCount.Malformed");
        var (prefixes, prefixCount) = Addresses.Prefixes(p);
        if (texts.Count == 0 && count is null && prefixes.Length == 0 && prefixCount == 0)
        {
            throw new AlibabaException("MissingParameter", "These parameters PrivateIpAddress, SecondaryPrivateIpAddressCount cannot be both empty.", 403);
        }

        if (texts.Count > 0 && count is not null)
        {
            throw AlibabaErrors.Conflict("PrivateIpAddress.N and SecondaryPrivateIpAddressCount cannot be given together.");
        }

        if (count is < 1 or > 50)
        {
            throw new AlibabaException("InvalidSecondaryPrivateIpAddressCount.Malformed", $"The specified SecondaryPrivateIpAddressCount {count} is not valid (1 to 50).");
        }

        if (texts.Count > 50)
        {
            throw AlibabaErrors.InvalidParameter("PrivateIpAddress", "The specified parameter \"PrivateIpAddress.N\" is not valid: N is 1 to 50.");
        }

        var addresses = texts.Select(t => Addresses.Usable(context, vSwitch, t)).ToList();
        Usable(context, eni);
        var result = await ClientTokenCall.RunAsync(context, () => context.Grain<ISubnetGrain>(eni.SubnetId).AssignAsync(
            eni.NetworkInterfaceId, new AddressRequest([.. addresses], count ?? 0, prefixes, prefixCount, AllowReassignment: false, MaxIpv4: 0)));
        context.Body["AssignedPrivateIpAddressesSet"] = new JsonObject
        {
            ["NetworkInterfaceId"] = eni.NetworkInterfaceId,
            ["PrivateIpSet"] = Paging.Wrap("PrivateIpAddress", result.Addresses.Select(a => (JsonNode)Ipv4.Format(a))),
            ["Ipv4PrefixSet"] = Paging.Wrap("Ipv4Prefixes", result.Prefixes.Select(a => (JsonNode)new Ipv4Cidr(a, 28).ToString())),
        };
    }

    public static async Task UnassignPrivateIpAddresses(EcsContext context)
    {
        var p = context.Parameters;
        var eni = Lookups.Eni(context, p.Require("NetworkInterfaceId"));
        var addresses = p.GetList("PrivateIpAddress").Select(RpcParameters.ParseIp).ToList();
        var (prefixes, _) = Addresses.Prefixes(p);
        if (addresses.Count == 0 && prefixes.Length == 0)
        {
            throw new AlibabaException("MissingParameter", "These parameters PrivateIpAddress, Ipv4Prefix cannot be both empty.", 403);
        }

        Usable(context, eni);
        context.Region.TryGetInterface(eni.NetworkInterfaceId, out _, out var held);
        if (addresses.FirstOrDefault(a => a == held.Primary) is var primary and not 0)
        {
            throw AlibabaErrors.InvalidParameter("PrivateIpAddress", $"The primary private IP address {Ipv4.Format(primary)} of an ENI cannot be unassigned.");
        }

        if (addresses.FirstOrDefault(a => !held.Secondaries.Contains(a)) is var missing and not 0)
        {
            throw AlibabaErrors.IpUnassigned(Ipv4.Format(missing));
        }

        await context.Grain<ISubnetGrain>(eni.SubnetId).UnassignAsync(eni.NetworkInterfaceId, [.. addresses], prefixes);
    }

    /// <summary>An ENI changes addresses only when it is Available or InUse.</summary>
    private static void Usable(EcsContext context, NetworkInterfaceView eni)
    {
        if (Lookups.StatusOf(context, eni) is not ("Available" or "InUse") and var status)
        {
            throw AlibabaErrors.InvalidEniState($"The network interface {eni.NetworkInterfaceId} is {status}.");
        }

        // A primary ENI's instance must be Running or Stopped (seed 002), not Pending, Starting or Stopping.
        if (eni.Attachment is { DeviceIndex: 0 } primary && context.Region.Instances.TryGetValue(primary.InstanceId, out var instance)
            && Lookups.StatusOf(context, instance) is not ("Running" or "Stopped") and var instanceStatus)
        {
            throw new AlibabaException("InvalidOperation.InvalidEcsState", $"The instance {instance.InstanceId} of the primary network interface is {instanceStatus}.");
        }
    }
}
