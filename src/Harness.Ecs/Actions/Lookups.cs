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

    /// <summary>An ENI that exists; one being deleted is refused with <c>InvalidOperation.InvalidEniState</c>.</summary>
    public static NetworkInterfaceView Eni(EcsContext context, string id)
    {
        if (!AlibabaIds.IsWellFormed("eni", id))
        {
            throw AlibabaErrors.EniMalformed();
        }

        if (context.Region.NetworkInterfaces.TryGetValue(id, out var view))
        {
            return view;
        }

        throw context.Transitions.Current(context.Region, id) is { Ghost: DeletedEni }
            ? AlibabaErrors.InvalidEniState($"The network interface {id} is Deleting.")
            : AlibabaErrors.EniNotFound(id);
    }

    /// <summary>
    /// An instance of the request's region (<c>RegionId</c>), or, for the actions that take none (StartInstance,
    /// StopInstance, DeleteInstance), of whichever Alibaba region holds it; terminated instances are gone on Alibaba.
    /// </summary>
    public static InstanceView Instance(EcsContext context, string id, string notFoundCode = "InvalidInstanceId.NotFound")
    {
        if (context.Parameters.Get("RegionId") is null)
        {
            context.UseRegionOf(id);
        }

        return context.Region.Instances.TryGetValue(id, out var view) && view.State.Name != "terminated"
            ? view
            : throw new AlibabaException(notFoundCode, $"The specified InstanceId \"{id}\" does not exist.", 404);
    }

    /// <summary>An instance's status now: its transitional one while Alibaba would still show it, otherwise the grain's.</summary>
    public static string StatusOf(EcsContext context, InstanceView i) =>
        context.Transitions.Current(context.Region, i.InstanceId)?.Status ?? InstanceJson.SettledStatusOf(i);

    /// <summary>An ENI's status now: its transitional one while Alibaba would still show it, otherwise the grain's.</summary>
    public static string StatusOf(EcsContext context, NetworkInterfaceView v) =>
        context.Transitions.Current(context.Region, v.NetworkInterfaceId)?.Status ?? EniJson.SettledStatusOf(v);
}
