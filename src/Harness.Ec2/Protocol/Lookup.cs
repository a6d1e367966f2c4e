using System.Collections.Concurrent;
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
        Find(context.Region.NetworkInterfaces, CheckInterfaceId(id), "InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist");

    public static SubnetView Subnet(Ec2Context context, string id) =>
        Find(context.Region.Subnets, Check(id, "subnet", "InvalidSubnetID.Malformed"), "InvalidSubnetID.NotFound", $"The subnet ID '{id}' does not exist");

    public static VpcView Vpc(Ec2Context context, string id) =>
        Find(context.Region.Vpcs, Check(id, "vpc", "InvalidVpcID.Malformed"), "InvalidVpcID.NotFound", $"The vpc ID '{id}' does not exist");

    /// <summary>EC2's malformed-instance message alone omits the "(expecting …)" hint.</summary>
    public static string CheckInstanceId(string id) =>
        ResourceIds.IsWellFormed("i", id) ? id : throw new Ec2Exception("InvalidInstanceID.Malformed", $"Invalid id: \"{id}\"");

    public static InstanceView Instance(Ec2Context context, string id) =>
        Find(context.Region.Instances, CheckInstanceId(id), "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");

    public static SecurityGroupView SecurityGroup(Ec2Context context, string id) =>
        Find(context.Region.SecurityGroups, Check(id, "sg", "InvalidGroupId.Malformed"), "InvalidGroup.NotFound", $"The security group '{id}' does not exist");

    public static AddressView Allocation(Ec2Context context, string id) =>
        Find(context.Region.Addresses, Check(id, "eipalloc", "InvalidAllocationID.Malformed"), "InvalidAllocationID.NotFound", $"The allocation ID '{id}' does not exist");

    public static string CheckAttachmentId(string id) => Check(id, "eni-attach", "InvalidNetworkInterfaceAttachmentId.Malformed");

    private static string Check(string id, string prefix, string malformedCode) =>
        ResourceIds.IsWellFormed(prefix, id) ? id : throw Ec2Errors.Malformed(malformedCode, id, prefix);

    private static T Find<T>(ConcurrentDictionary<string, T> views, string id, string notFoundCode, string message) =>
        views.TryGetValue(id, out var view) ? view : throw Ec2Errors.NotFound(notFoundCode, message);
}
