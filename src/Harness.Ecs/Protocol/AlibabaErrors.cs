using Harness.Domain.Errors;

namespace Harness.Ecs.Protocol;

/// <summary>
/// Alibaba's error codes (ALIBABA.md §4, the AssignPrivateIpAddresses page's table), and the translation of the errors
/// the grains raise in EC2's words into them. Where the reference leaves a code unconfirmed, the choice is made here.
/// </summary>
internal static class AlibabaErrors
{
    public static AlibabaException MissingParameter(string name) =>
        new("MissingParameter", $"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.");

    public static AlibabaException InvalidParameter(string name, string? detail = null) =>
        new("InvalidParameter", detail ?? $"The specified parameter \"{name}\" is not valid.");

    public static AlibabaException Conflict(string message) => new("InvalidParameter.Conflict", message);

    public static AlibabaException EniNotFound(string id) => new("InvalidEniId.NotFound", $"The specified NetworkInterfaceId \"{id}\" does not exist.", 404);

    public static AlibabaException VSwitchNotFound(string id) => new("InvalidVSwitchId.NotFound", $"The specified VSwitchId \"{id}\" does not exist.", 404);

    public static AlibabaException VpcNotFound(string id) => new("InvalidVpcId.NotFound", $"The specified VpcId \"{id}\" does not exist.", 404);

    public static AlibabaException SecurityGroupNotFound(string id) =>
        new("InvalidSecurityGroupId.NotFound", $"The specified SecurityGroupId \"{id}\" does not exist.", 404);

    public static AlibabaException InstanceNotFound(string id) => new("InvalidInstanceId.NotFound", $"The specified InstanceId \"{id}\" does not exist.", 404);

    public static AlibabaException AllocationNotFound(string id) => new("InvalidAllocationId.NotFound", $"The specified AllocationId \"{id}\" does not exist.", 404);

    public static AlibabaException EniMalformed() => new("InvalidEniId.Malformed", "The specified parameter \"EniId\" is not valid.");

    public static AlibabaException IpMalformed(string text) =>
        new("InvalidPrivateIpAddress.Malformed", $"The specified private IP address \"{text}\" is not valid.");

    public static AlibabaException IpDuplicated() =>
        new("InvalidPrivateIpAddress.Duplicated", "Specified private IP address is duplicated.");

    public static AlibabaException IpInvalid(string ip) =>
        new("InvalidVSwitchId.IpInvalid", $"The specified private IP address {ip} is not in the CIDR block of the vSwitch or is reserved.", 403);

    public static AlibabaException IpNotEnough() =>
        new("InvalidVSwitchId.IpNotEnough", "The number of available IP addresses on the specified vSwitch is insufficient.", 403);

    public static AlibabaException IpUnassigned(string ip) =>
        new("InvalidIp.IpUnassigned", $"The specified IP address {ip} is not assigned to the network interface.", 403);

    public static AlibabaException PrivateIpsExceeded(int max) =>
        new("MaxEniPrivateIpsCountExceeded", $"The maximum number of private IP addresses of the network interface is {max}.", 403);

    public static AlibabaException InvalidEniState(string message = "The operation is not allowed in the current ENI state.") =>
        new("InvalidOperation.InvalidEniState", message);

    /// <summary><c>DryRun=true</c>: everything was checked and nothing is done, which Alibaba answers as an error.</summary>
    public static void ThrowIfDryRun(RpcParameters parameters)
    {
        if (parameters.GetBool("DryRun") == true)
        {
            throw new AlibabaException("DryRunOperation", "Request validation has been passed with DryRun flag set.");
        }
    }

    public static AlibabaException InternalError() =>
        new("InternalError", "The request processing has failed due to some unknown error, exception or failure.", 500);

    /// <summary>An error a grain raised in EC2's words, in Alibaba's.</summary>
    public static AlibabaException From(Ec2Exception error) => error.Code switch
    {
        "InvalidNetworkInterfaceID.NotFound" => new("InvalidEniId.NotFound", error.Message, 404),
        "InvalidSubnetID.NotFound" => new("InvalidVSwitchId.NotFound", error.Message, 404),
        "InvalidVpcID.NotFound" => new("InvalidVpcId.NotFound", error.Message, 404),
        "InvalidGroup.NotFound" => new("InvalidSecurityGroupId.NotFound", error.Message, 404),
        "InvalidInstanceID.NotFound" => new("InvalidInstanceId.NotFound", error.Message, 404),
        "InvalidIPAddress.InUse" => IpDuplicated(),
        "InvalidParameterValue" when error.Message.Contains("move is not allowed", StringComparison.Ordinal) => IpDuplicated(),
        "InvalidParameterValue" when error.Message.Contains("does not fall within", StringComparison.Ordinal) =>
            new("InvalidVSwitchId.IpInvalid", error.Message, 403),
        "InsufficientFreeAddressesInSubnet" => IpNotEnough(),
        "InsufficientCidrBlocks" => new("InvalidVSwitchId.IpPrefixNotEnough", "The specified vSwitch has not enough ip prefix.", 403),
        "PrivateIpAddressLimitExceeded" => new("MaxEniPrivateIpsCountExceeded", error.Message, 403),
        "InvalidSubnet.Range" or "InvalidVpc.Range" => new("InvalidCidrBlock.Malformed", error.Message),
        "InvalidSubnet.Conflict" => new("InvalidCidrBlock.Overlapped", "The specified CIDR block overlaps with another vSwitch.", 400),
        "InvalidNetworkInterface.InUse" => InvalidEniState(),
        "Resource.AlreadyAssociated" => new("InvalidAssociation.Duplicated", error.Message),
        "InvalidAllocationID.NotFound" => new("InvalidAllocationId.NotFound", error.Message, 404),
        "AttachmentLimitExceeded" => new("EniPerInstanceLimitExceeded", error.Message, 403),
        "VcpuLimitExceeded" => new("QuotaExceed.ElasticQuota", error.Message, 403),
        "InvalidParameterValue" when error.Message.Contains("are not assigned to interface", StringComparison.Ordinal) =>
            new("InvalidIp.IpUnassigned", error.Message, 403),
        "IncorrectInstanceState" => new("IncorrectInstanceStatus", "The current status of the resource does not support this operation.", 403),
        "DependencyViolation" => new("DependencyViolation", error.Message),
        "IdempotentParameterMismatch" => new("IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request."),
        "Unavailable" or "ServiceUnavailable" => new("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", 503),
        "InternalError" => InternalError(),
        _ when error.StatusCode >= 500 => new(error.Code, error.Message, error.StatusCode),
        _ => new("InvalidParameter", error.Message),
    };
}
