using Harness.ControlPlane.ReadModel;
using Harness.Domain.Clouds;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>Resources by id from the region's read model, or Alibaba's malformed and not-found errors.</summary>
internal static class Lookups
{
    public static VpcView Vpc(EcsContext context, string id) =>
        context.Region.Vpcs.TryGetValue(id, out var vpc) ? vpc : throw AlibabaErrors.VpcNotFound(id);

    public static SubnetView VSwitch(EcsContext context, string id) =>
        context.Region.Subnets.TryGetValue(id, out var subnet) ? subnet : throw AlibabaErrors.VSwitchNotFound(id);

    public static SecurityGroupView SecurityGroup(EcsContext context, string id) =>
        context.Region.SecurityGroups.TryGetValue(id, out var group) ? group : throw AlibabaErrors.SecurityGroupNotFound(id);

    public static NetworkInterfaceView Eni(EcsContext context, string id)
    {
        if (!AlibabaIds.IsWellFormed("eni", id))
        {
            throw AlibabaErrors.EniMalformed();
        }

        return context.Region.NetworkInterfaces.TryGetValue(id, out var view) ? view : throw AlibabaErrors.EniNotFound(id);
    }
}
