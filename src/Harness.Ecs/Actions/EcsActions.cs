namespace Harness.Ecs.Actions;

/// <summary>The ECS API (2014-05-26) actions the harness serves.</summary>
internal static class EcsActions
{
    public static IReadOnlyDictionary<string, Func<Protocol.EcsContext, Task>> Handlers { get; } =
        new Dictionary<string, Func<Protocol.EcsContext, Task>>(StringComparer.Ordinal)
        {
            ["CreateSecurityGroup"] = SecurityGroupActions.CreateSecurityGroup,
            ["DescribeSecurityGroups"] = SecurityGroupActions.DescribeSecurityGroups,
            ["CreateNetworkInterface"] = EniActions.CreateNetworkInterface,
            ["DescribeNetworkInterfaces"] = EniActions.DescribeNetworkInterfaces,
            ["DescribeNetworkInterfaceAttribute"] = EniActions.DescribeNetworkInterfaceAttribute,
            ["ModifyNetworkInterfaceAttribute"] = EniActions.ModifyNetworkInterfaceAttribute,
            ["DeleteNetworkInterface"] = EniActions.DeleteNetworkInterface,
            ["AssignPrivateIpAddresses"] = PrivateIpActions.AssignPrivateIpAddresses,
            ["UnassignPrivateIpAddresses"] = PrivateIpActions.UnassignPrivateIpAddresses,
        };
}
