namespace Harness.Ecs.Actions;

/// <summary>The ECS API (2014-05-26) actions the harness serves.</summary>
internal static class EcsActions
{
    public static IReadOnlyDictionary<string, Func<Protocol.EcsContext, Task>> Handlers { get; } =
        new Dictionary<string, Func<Protocol.EcsContext, Task>>(StringComparer.Ordinal)
        {
            ["CreateSecurityGroup"] = SecurityGroupActions.CreateSecurityGroup,
            ["DescribeSecurityGroups"] = SecurityGroupActions.DescribeSecurityGroups,
            ["DeleteSecurityGroup"] = SecurityGroupActions.DeleteSecurityGroup,
            ["DescribeRegions"] = RegionActions.DescribeRegions,
            ["DescribeZones"] = RegionActions.DescribeZones,
            ["CreateNetworkInterface"] = EniActions.CreateNetworkInterface,
            ["DescribeNetworkInterfaces"] = EniActions.DescribeNetworkInterfaces,
            ["DescribeNetworkInterfaceAttribute"] = EniActions.DescribeNetworkInterfaceAttribute,
            ["ModifyNetworkInterfaceAttribute"] = EniActions.ModifyNetworkInterfaceAttribute,
            ["DeleteNetworkInterface"] = EniActions.DeleteNetworkInterface,
            ["AssignPrivateIpAddresses"] = PrivateIpActions.AssignPrivateIpAddresses,
            ["UnassignPrivateIpAddresses"] = PrivateIpActions.UnassignPrivateIpAddresses,
            ["AttachNetworkInterface"] = AttachActions.AttachNetworkInterface,
            ["DetachNetworkInterface"] = AttachActions.DetachNetworkInterface,
            ["RunInstances"] = RunInstancesAction.RunInstances,
            ["CreateInstance"] = RunInstancesAction.CreateInstance,
            ["DescribeInstances"] = InstanceActions.DescribeInstances,
            ["DescribeInstanceStatus"] = InstanceActions.DescribeInstanceStatus,
            ["DescribeInstanceAttribute"] = InstanceActions.DescribeInstanceAttribute,
            ["ModifyInstanceMetadataOptions"] = InstanceActions.ModifyInstanceMetadataOptions,
            ["StartInstance"] = InstanceActions.StartInstance,
            ["StartInstances"] = InstanceActions.StartInstances,
            ["StopInstance"] = InstanceActions.StopInstance,
            ["StopInstances"] = InstanceActions.StopInstances,
            ["DeleteInstance"] = InstanceActions.DeleteInstance,
            ["DeleteInstances"] = InstanceActions.DeleteInstances,
        };
}
