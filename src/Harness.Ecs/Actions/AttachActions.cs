using Harness.ControlPlane.Abstractions;
using Harness.Domain.Catalog;
using Harness.Ecs.Protocol;

namespace Harness.Ecs.Actions;

/// <summary>
/// AttachNetworkInterface and DetachNetworkInterface, both asynchronous on Alibaba: the call returns and the ENI shows
/// <c>Attaching</c> (then <c>InUse</c>) or <c>Detaching</c> (then <c>Available</c>); meanwhile calls that need it settled get
/// <c>InvalidOperation.InvalidEniState</c>. A client that does not wait fails here as it would there.
/// </summary>
internal static class AttachActions
{
    public static async Task AttachNetworkInterface(EcsContext context)
    {
        var p = context.Parameters;
        var eni = Lookups.Eni(context, p.Require("NetworkInterfaceId"));
        var instance = Lookups.Instance(context, p.Require("InstanceId"), "InvalidEcsId.NotFound"); // the ENI API's code
        if (Lookups.StatusOf(context, eni) is not "Available" and var eniStatus)
        {
            throw AlibabaErrors.InvalidEniState($"The network interface {eni.NetworkInterfaceId} is {eniStatus}; only an Available one can be attached.");
        }

        if (Lookups.StatusOf(context, instance) is not ("Running" or "Stopped") and var status)
        {
            throw new AlibabaException("InvalidOperation.InvalidEcsState", $"The instance {instance.InstanceId} is {status}; it must be Running or Stopped.");
        }

        if (eni.AvailabilityZone != instance.AvailabilityZone)
        {
            throw new AlibabaException("InvalidOperation.AvailabilityZoneMismatch", $"The network interface is in {eni.AvailabilityZone}, the instance in {instance.AvailabilityZone}.", 403);
        }

        if (eni.VpcId != instance.VpcId)
        {
            throw new AlibabaException("InvalidOperation.VpcMismatch", $"The network interface is in {eni.VpcId}, the instance in {instance.VpcId}.", 403);
        }

        if (instance.Attachments.Length >= InstanceTypeCatalog.Of(instance.InstanceType).MaxNetworkInterfaces)
        {
            throw new AlibabaException("EniPerInstanceLimitExceeded", $"The instance type {instance.InstanceType} takes at most {InstanceTypeCatalog.Of(instance.InstanceType).MaxNetworkInterfaces} ENIs.", 403);
        }

        var cardIndex = p.GetInt("NetworkCardIndex") ?? 0;
        if (cardIndex < 0)
        {
            throw AlibabaErrors.InvalidParameter("NetworkCardIndex");
        }

        var deviceIndex = Enumerable.Range(1, 64).First(i => !instance.Attachments.Any(a => a.DeviceIndex == i && a.NetworkCardIndex == cardIndex));
        var attachmentId = (await context.RegionGrain.NewIdsAsync("eni-attach", 1))[0];
        await context.Transitions.ChangeAsync(
            context.Region, eni.NetworkInterfaceId, "Attaching",
            () => AttachAtNextFreeIndexAsync(context, instance.InstanceId, eni.NetworkInterfaceId, attachmentId, deviceIndex, cardIndex),
            () => AlibabaErrors.InvalidEniState($"The network interface {eni.NetworkInterfaceId} is being changed by another request."));
    }

    /// <summary>
    /// Alibaba picks the device index itself: when another attach took the one read from the read model meanwhile, the
    /// next free one is tried (the instance grain refuses a taken index, so two attaches never share one).
    /// </summary>
    private static async Task AttachAtNextFreeIndexAsync(EcsContext context, string instanceId, string eniId, string attachmentId, int deviceIndex, int cardIndex)
    {
        for (var index = deviceIndex; ; index++)
        {
            try
            {
                await context.Grain<IInstanceGrain>(instanceId).AttachAsync(eniId, attachmentId, index, cardIndex);
                return;
            }
            catch (Domain.Errors.Ec2Exception taken) when (index < 64 && taken.Message.Contains("already has an interface attached at device index", StringComparison.Ordinal))
            {
            }
        }
    }

    public static async Task DetachNetworkInterface(EcsContext context)
    {
        var p = context.Parameters;
        var eni = Lookups.Eni(context, p.Require("NetworkInterfaceId"));
        var instance = Lookups.Instance(context, p.Require("InstanceId"), "InvalidEcsId.NotFound"); // the ENI API's code
        if (eni.Attachment is { DeviceIndex: 0 })
        {
            throw new AlibabaException("InvalidOperation.DetachPrimaryEniNotAllowed", $"The network interface {eni.NetworkInterfaceId} is the instance's primary ENI.");
        }

        if (Lookups.StatusOf(context, eni) is not "InUse" and var eniStatus || eni.Attachment?.InstanceId != instance.InstanceId)
        {
            throw AlibabaErrors.InvalidEniState($"The network interface {eni.NetworkInterfaceId} is not InUse on {instance.InstanceId}.");
        }

        if (Lookups.StatusOf(context, instance) is not ("Running" or "Stopped") and var status)
        {
            throw new AlibabaException("InvalidOperation.InvalidEcsState", $"The instance {instance.InstanceId} is {status}; it must be Running or Stopped.");
        }

        await context.Transitions.ChangeAsync(
            context.Region, eni.NetworkInterfaceId, "Detaching",
            () => context.Grain<IInstanceGrain>(instance.InstanceId).DetachAsync(eni.Attachment!.AttachmentId, force: false),
            () => AlibabaErrors.InvalidEniState($"The network interface {eni.NetworkInterfaceId} is being changed by another request."));
    }
}
