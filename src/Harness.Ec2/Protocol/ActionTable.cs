using System.Collections.Frozen;
using Harness.Ec2.Actions;

namespace Harness.Ec2.Protocol;

/// <summary>The actions the facade serves, by wire name.</summary>
internal static class ActionTable
{
    public static FrozenDictionary<string, Func<Ec2Context, Task>> Handlers { get; } = new Dictionary<string, Func<Ec2Context, Task>>
    {
        ["CreateVpc"] = VpcActions.CreateVpc,
        ["DescribeVpcs"] = VpcActions.DescribeVpcs,
        ["DeleteVpc"] = VpcActions.DeleteVpc,
        ["CreateSubnet"] = SubnetActions.CreateSubnet,
        ["DescribeSubnets"] = SubnetActions.DescribeSubnets,
        ["DeleteSubnet"] = SubnetActions.DeleteSubnet,
        ["CreateSecurityGroup"] = SecurityGroupActions.CreateSecurityGroup,
        ["DescribeSecurityGroups"] = SecurityGroupActions.DescribeSecurityGroups,
        ["DeleteSecurityGroup"] = SecurityGroupActions.DeleteSecurityGroup,
        ["DescribeAvailabilityZones"] = ZoneActions.DescribeAvailabilityZones,
        ["DescribeRegions"] = ZoneActions.DescribeRegions,
        ["CreateNetworkInterface"] = NetworkInterfaceActions.CreateNetworkInterface,
        ["DescribeNetworkInterfaces"] = NetworkInterfaceActions.DescribeNetworkInterfaces,
        ["DeleteNetworkInterface"] = NetworkInterfaceActions.DeleteNetworkInterface,
        ["AttachNetworkInterface"] = AttachmentActions.AttachNetworkInterface,
        ["DetachNetworkInterface"] = AttachmentActions.DetachNetworkInterface,
        ["DescribeNetworkInterfaceAttribute"] = AttachmentActions.DescribeNetworkInterfaceAttribute,
        ["ModifyNetworkInterfaceAttribute"] = AttachmentActions.ModifyNetworkInterfaceAttribute,
        ["ResetNetworkInterfaceAttribute"] = AttachmentActions.ResetNetworkInterfaceAttribute,
        ["AssignPrivateIpAddresses"] = PrivateAddressActions.AssignPrivateIpAddresses,
        ["UnassignPrivateIpAddresses"] = PrivateAddressActions.UnassignPrivateIpAddresses,
        ["AllocateAddress"] = ElasticIpActions.AllocateAddress,
        ["AssociateAddress"] = ElasticIpActions.AssociateAddress,
        ["DisassociateAddress"] = ElasticIpActions.DisassociateAddress,
        ["ReleaseAddress"] = ElasticIpActions.ReleaseAddress,
        ["DescribeAddresses"] = ElasticIpActions.DescribeAddresses,
        ["RunInstances"] = RunInstancesAction.RunInstances,
        ["DescribeInstances"] = InstanceActions.DescribeInstances,
        ["StopInstances"] = InstanceActions.StopInstances,
        ["StartInstances"] = InstanceActions.StartInstances,
        ["TerminateInstances"] = InstanceActions.TerminateInstances,
        ["ModifyInstanceMetadataOptions"] = InstanceActions.ModifyInstanceMetadataOptions,
        ["DescribeInstanceTypes"] = InstanceTypeActions.DescribeInstanceTypes,
        ["CreateTags"] = TagActions.CreateTags,
        ["DeleteTags"] = TagActions.DeleteTags,
        ["DescribeTags"] = TagActions.DescribeTags,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
