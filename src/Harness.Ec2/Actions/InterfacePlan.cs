using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Catalog;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Actions;

/// <summary>An interface RunInstances will create (or an existing one it will attach), as the request describes it.</summary>
internal sealed record InterfacePlan(
    int DeviceIndex, int CardIndex, string? ExistingId, SubnetView? Subnet, uint Address, ImmutableArray<uint> Secondaries, int Count,
    ImmutableArray<uint> Prefixes, int PrefixCount, List<string> GroupIds, string Description, bool DeleteOnTermination)
{
    /// <summary>One <c>NetworkInterface.N</c> of RunInstances.</summary>
    public static InterfacePlan Parse(Ec2Context context, QueryParameters s)
    {
        var deviceIndex = s.GetInt("DeviceIndex") ?? throw Ec2Errors.MissingParameter("NetworkInterface.DeviceIndex");
        var cardIndex = s.GetInt("NetworkCardIndex") ?? 0;
        var count = s.GetInt("SecondaryPrivateIpAddressCount") ?? 0;
        var prefixCount = s.GetInt("Ipv4PrefixCount") ?? 0;
        foreach (var (name, value) in new[] { ("deviceIndex", deviceIndex), ("networkCardIndex", cardIndex), ("secondaryPrivateIpAddressCount", count), ("ipv4PrefixCount", prefixCount) })
        {
            if (value < 0)
            {
                throw Ec2Errors.InvalidValue(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (s.Get("NetworkInterfaceId") is { } existingId)
        {
            var nic = Lookup.Interface(context, existingId);
            if (nic.Attachment is not null)
            {
                throw new Ec2Exception("InvalidNetworkInterface.InUse", $"Interface: [{existingId}] in use.");
            }

            var subnet = context.Region.Subnets.GetValueOrDefault(nic.SubnetId);
            return new InterfacePlan(deviceIndex, cardIndex, existingId, subnet, 0, [], 0, [], 0, [], nic.Description, false);
        }

        var target = Lookup.Subnet(context, s.Require("SubnetId"));
        var (address, secondaries) = NetworkInterfaceActions.ParsePrivateAddresses(s);
        var prefixes = NetworkInterfaceActions.ParsePrefixes(s.GetStructs("Ipv4Prefix").Select(x => x.Get("Ipv4Prefix") ?? ""));
        return new InterfacePlan(
            deviceIndex, cardIndex, null, target, address, secondaries, count,
            prefixes, prefixCount, s.GetList("SecurityGroupId"), s.Get("Description") ?? "",
            s.GetBool("DeleteOnTermination") ?? true);
    }

    /// <summary>The interfaces of one instance, together: device 0 on card 0, unique slots, the type's limits, one zone.</summary>
    public static void Validate(Ec2Context context, List<InterfacePlan> plans, InstanceTypeInfo type)
    {
        if (!plans.Any(n => n.DeviceIndex == 0 && n.CardIndex == 0))
        {
            throw Ec2Errors.InvalidParameterValue("Each instance must have a network interface at device index 0.");
        }

        if (plans.GroupBy(n => (n.DeviceIndex, n.CardIndex)).Any(g => g.Count() > 1))
        {
            throw Ec2Errors.InvalidParameterValue("Each network interface requires a unique device index.");
        }

        if (plans.Count > type.MaxNetworkInterfaces)
        {
            throw new Ec2Exception("AttachmentLimitExceeded", $"Interface count {plans.Count} exceeds the limit for {type.Name}");
        }

        foreach (var plan in plans)
        {
            if (plan.CardIndex >= type.MaximumNetworkCards)
            {
                throw Ec2Errors.InvalidParameterValue($"Network card index {plan.CardIndex} is not supported by instance type {type.Name}.");
            }

            if (1L + plan.Secondaries.Length + plan.Count + plan.Prefixes.Length + plan.PrefixCount > type.Ipv4AddressesPerInterface)
            {
                throw Ec2Errors.PrivateIpAddressLimitExceeded();
            }

            if (plan.Subnet is not null && plan.Subnet.AvailabilityZone != plans[0].Subnet?.AvailabilityZone)
            {
                throw Ec2Errors.InvalidParameterCombination("All network interfaces of an instance must be in the same availability zone.");
            }

            if (plan.ExistingId is null)
            {
                NetworkInterfaceActions.SecurityGroups(context, plan.GroupIds, plan.Subnet!.VpcId);
            }
        }
    }
}
