using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using Harness.Domain.Ids;

namespace Harness.Ec2.Protocol;

/// <summary>Resolves ids from the request the way EC2 does: malformed first, then not found.</summary>
internal static class Lookup
{
    public static string CheckInterfaceId(string id) =>
        ResourceIds.IsWellFormed("eni", id) ? id : throw Ec2Errors.Malformed("InvalidNetworkInterfaceId.Malformed", id, "eni");

    public static NetworkInterfaceView Interface(Ec2Context context, string id) =>
        context.Region.NetworkInterfaces.TryGetValue(CheckInterfaceId(id), out var view)
            ? view
            : throw Ec2Errors.NotFound("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist");

    public static SubnetView Subnet(Ec2Context context, string id)
    {
        if (!ResourceIds.IsWellFormed("subnet", id))
        {
            throw Ec2Errors.Malformed("InvalidSubnetID.Malformed", id, "subnet");
        }

        return context.Region.Subnets.TryGetValue(id, out var view)
            ? view
            : throw Ec2Errors.NotFound("InvalidSubnetID.NotFound", $"The subnet ID '{id}' does not exist");
    }

    public static VpcView Vpc(Ec2Context context, string id)
    {
        if (!ResourceIds.IsWellFormed("vpc", id))
        {
            throw Ec2Errors.Malformed("InvalidVpcID.Malformed", id, "vpc");
        }

        return context.Region.Vpcs.TryGetValue(id, out var view)
            ? view
            : throw Ec2Errors.NotFound("InvalidVpcID.NotFound", $"The vpc ID '{id}' does not exist");
    }

    public static string CheckInstanceId(string id) =>
        ResourceIds.IsWellFormed("i", id) ? id : throw new Ec2Exception("InvalidInstanceID.Malformed", $"Invalid id: \"{id}\"");

    public static InstanceView Instance(Ec2Context context, string id) =>
        context.Region.Instances.TryGetValue(CheckInstanceId(id), out var view)
            ? view
            : throw Ec2Errors.NotFound("InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");

    public static SecurityGroupView SecurityGroup(Ec2Context context, string id)
    {
        if (!ResourceIds.IsWellFormed("sg", id))
        {
            throw Ec2Errors.Malformed("InvalidGroupId.Malformed", id, "sg");
        }

        return context.Region.SecurityGroups.TryGetValue(id, out var view)
            ? view
            : throw Ec2Errors.NotFound("InvalidGroup.NotFound", $"The security group '{id}' does not exist");
    }

    public static AddressView Allocation(Ec2Context context, string id)
    {
        if (!ResourceIds.IsWellFormed("eipalloc", id))
        {
            throw Ec2Errors.Malformed("InvalidAllocationID.Malformed", id, "eipalloc");
        }

        return context.Region.Addresses.TryGetValue(id, out var view)
            ? view
            : throw Ec2Errors.NotFound("InvalidAllocationID.NotFound", $"The allocation ID '{id}' does not exist");
    }

    public static string CheckAttachmentId(string id) =>
        ResourceIds.IsWellFormed("eni-attach", id) ? id : throw Ec2Errors.Malformed("InvalidNetworkInterfaceAttachmentId.Malformed", id, "eni-attach");
}
