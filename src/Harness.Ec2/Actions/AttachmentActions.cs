using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol;
using Harness.Ec2.Rendering;

namespace Harness.Ec2.Actions;

/// <summary>AttachNetworkInterface, DetachNetworkInterface and the three interface-attribute actions.</summary>
internal static class AttachmentActions
{
    private static readonly string[] Attributes = ["description", "groupSet", "sourceDestCheck", "attachment", "associatePublicIpAddress"];

    public static async Task AttachNetworkInterface(Ec2Context context)
    {
        var p = context.Parameters;
        var nic = Lookup.Interface(context, p.Require("NetworkInterfaceId"));
        var instance = Lookup.Instance(context, p.Require("InstanceId"));
        var deviceIndex = p.GetInt("DeviceIndex") ?? throw Ec2Errors.MissingParameter("DeviceIndex");
        var cardIndex = p.GetInt("NetworkCardIndex") ?? 0;
        if (deviceIndex < 0 || cardIndex < 0)
        {
            throw Ec2Errors.InvalidValue(deviceIndex < 0 ? "deviceIndex" : "networkCardIndex", (deviceIndex < 0 ? deviceIndex : cardIndex).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        context.ThrowIfDryRun();
        var attachmentId = (await context.RegionGrain.NewIdsAsync("eni-attach", 1))[0];
        await context.Grain<IInstanceGrain>(instance.InstanceId).AttachAsync(nic.NetworkInterfaceId, attachmentId, deviceIndex, cardIndex);
        context.Response.Element("attachmentId", attachmentId).Element("networkCardIndex", cardIndex);
    }

    public static async Task DetachNetworkInterface(Ec2Context context)
    {
        var p = context.Parameters;
        var attachmentId = Lookup.CheckAttachmentId(p.Require("AttachmentId"));
        var force = p.GetBool("Force") ?? false;
        if (!context.Region.Attachments.TryGetValue(attachmentId, out var nicId)
            || !context.Region.NetworkInterfaces.TryGetValue(nicId, out var nic) || nic.Attachment is null)
        {
            throw Ec2Errors.NotFound("InvalidAttachmentID.NotFound", $"The network interface attachment ID '{attachmentId}' does not exist");
        }

        context.ThrowIfDryRun();
        await context.Grain<IInstanceGrain>(nic.Attachment.InstanceId).DetachAsync(attachmentId, force);
        context.ReturnTrue();
    }

    public static Task DescribeNetworkInterfaceAttribute(Ec2Context context)
    {
        var p = context.Parameters;
        var nic = Lookup.Interface(context, p.Require("NetworkInterfaceId"));
        var attribute = p.Get("Attribute");
        if (attribute is not null && !Attributes.Contains(attribute))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        }

        context.ThrowIfDryRun();
        var x = context.Response.Element("networkInterfaceId", nic.NetworkInterfaceId);
        switch (attribute)
        {
            case "description":
                x.Start("description").Element("value", nic.Description).End();
                break;
            case "groupSet":
                x.Groups(context, nic.GroupIds);
                break;
            case "sourceDestCheck":
                x.Start("sourceDestCheck").Element("value", nic.SourceDestCheck).End();
                break;
            case "attachment" when nic.Attachment is { } a:
                NetworkInterfaceXml.Attachment(x, a, context.Options.AccountId);
                break;
            case "associatePublicIpAddress":
                x.Element("associatePublicIpAddress", false);
                break;
            default:
                break;
        }

        return Task.CompletedTask;
    }

    public static async Task ModifyNetworkInterfaceAttribute(Ec2Context context)
    {
        var p = context.Parameters;
        var nic = Lookup.Interface(context, p.Require("NetworkInterfaceId"));
        var description = p.Get("Description.Value");
        var sourceDestCheck = p.GetBool("SourceDestCheck.Value");
        var groupIds = p.GetList("SecurityGroupId");
        var attachmentId = p.Get("Attachment.AttachmentId");
        var deleteOnTermination = p.GetBool("Attachment.DeleteOnTermination");
        var changes = (description is null ? 0 : 1) + (sourceDestCheck is null ? 0 : 1) + (groupIds.Count == 0 ? 0 : 1)
            + (attachmentId is null && deleteOnTermination is null ? 0 : 1);
        if (changes == 0)
        {
            throw Ec2Errors.MissingParameterMessage("No attributes specified.");
        }

        if (changes > 1)
        {
            throw Ec2Errors.InvalidParameterCombination("Fields for multiple attribute types specified: only one attribute may be modified at a time.");
        }

        ImmutableArray<string>? groups = groupIds.Count == 0 ? null : NetworkInterfaceActions.SecurityGroups(context, groupIds, nic.VpcId);
        if (attachmentId is not null || deleteOnTermination is not null)
        {
            attachmentId = Lookup.CheckAttachmentId(attachmentId ?? throw Ec2Errors.MissingParameter("Attachment.AttachmentId"));
            if (deleteOnTermination is null)
            {
                throw Ec2Errors.MissingParameter("Attachment.DeleteOnTermination");
            }
        }

        context.ThrowIfDryRun();
        await context.Grain<INetworkInterfaceGrain>(nic.NetworkInterfaceId)
            .ModifyAsync(new ModifyInterfaceCommand(description, groups, sourceDestCheck, attachmentId, deleteOnTermination));
        context.ReturnTrue();
    }

    public static async Task ResetNetworkInterfaceAttribute(Ec2Context context)
    {
        var p = context.Parameters;
        var nic = Lookup.Interface(context, p.Require("NetworkInterfaceId"));
        if (p.Get("SourceDestCheck") is null)
        {
            throw Ec2Errors.MissingParameter("SourceDestCheck");
        }

        context.ThrowIfDryRun();
        await context.Grain<INetworkInterfaceGrain>(nic.NetworkInterfaceId)
            .ModifyAsync(new ModifyInterfaceCommand(null, null, SourceDestCheck: true, null, null));
        context.ReturnTrue();
    }
}
