using Harness.ControlPlane.Abstractions;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Actions;

/// <summary>AssignPrivateIpAddresses and UnassignPrivateIpAddresses: the remap the harness exists to rehearse.</summary>
internal static class PrivateAddressActions
{
    public static async Task AssignPrivateIpAddresses(Ec2Context context)
    {
        var p = context.Parameters;
        var nic = Lookup.Interface(context, p.Require("NetworkInterfaceId"));
        var addresses = p.GetIpv4List("PrivateIpAddress", "privateIpAddress");
        var count = p.GetInt("SecondaryPrivateIpAddressCount");
        var prefixes = NetworkInterfaceActions.ParsePrefixes(p.GetList("Ipv4Prefix"));
        var prefixCount = p.GetInt("Ipv4PrefixCount");
        if (addresses.Length > 0 && count is not null)
        {
            throw Ec2Errors.InvalidParameterCombination(
                "The parameters 'privateIpAddresses' and 'secondaryPrivateIpAddressCount' cannot be used together.");
        }

        if (prefixes.Length > 0 && prefixCount is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameters 'ipv4Prefixes' and 'ipv4PrefixCount' cannot be used together.");
        }

        if (addresses.Length == 0 && count is null && prefixes.Length == 0 && prefixCount is null)
        {
            throw Ec2Errors.MissingParameterMessage("Either 'secondaryPrivateIpAddressCount' or 'privateIpAddresses' should be provided.");
        }

        if (count is < 1 || prefixCount is < 1)
        {
            var (name, value) = count is < 1 ? ("secondaryPrivateIpAddressCount", count) : ("ipv4PrefixCount", prefixCount);
            throw Ec2Errors.InvalidParameterValue($"Value ({value}) for parameter {name} is invalid. Expecting a value greater than 0.");
        }

        var allowReassignment = p.GetBool("AllowReassignment") ?? false;
        context.ThrowIfDryRun();
        // Straight to the subnet's grain, which owns the addresses and the interface's limit: one grain call.
        var result = await context.Grain<ISubnetGrain>(nic.SubnetId).AssignAsync(
            nic.NetworkInterfaceId, new AddressRequest(addresses, count ?? 0, prefixes, prefixCount ?? 0, allowReassignment, MaxIpv4: 0));
        context.Response
            .Element("networkInterfaceId", nic.NetworkInterfaceId)
            .Set("assignedPrivateIpAddressesSet", result.Addresses, static (x, a) => x.Element("privateIpAddress", Ipv4.Format(a)))
            .Set("assignedIpv4PrefixSet", result.Prefixes, static (x, a) => x.Element("ipv4Prefix", new Ipv4Cidr(a, 28).ToString()));
    }

    public static async Task UnassignPrivateIpAddresses(Ec2Context context)
    {
        var p = context.Parameters;
        var nic = Lookup.Interface(context, p.Require("NetworkInterfaceId"));
        var addresses = p.GetIpv4List("PrivateIpAddress", "privateIpAddress");
        var prefixes = NetworkInterfaceActions.ParsePrefixes(p.GetList("Ipv4Prefix"));
        if (addresses.Length == 0 && prefixes.Length == 0)
        {
            throw Ec2Errors.MissingParameterMessage("Either 'privateIpAddresses' or 'ipv4Prefixes' should be provided.");
        }

        await context.Grain<ISubnetGrain>(nic.SubnetId).UnassignAsync(nic.NetworkInterfaceId, addresses, prefixes);
        context.ReturnTrue();
    }
}
