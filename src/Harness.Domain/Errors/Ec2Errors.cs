namespace Harness.Domain.Errors;

/// <summary>
/// EC2's error codes with the messages real EC2 sends (docs/ec2-error-messages.md lists the sources; the few
/// reconstructed ones are marked there). Keeping them in one place keeps the wording consistent everywhere.
/// </summary>
public static class Ec2Errors
{
    public static Ec2Exception InvalidAction(string action) => new("InvalidAction", $"The action {action} is not valid for this web service.");

    public static Ec2Exception UnknownParameter(string name) => new("UnknownParameter", $"The parameter {name} is not recognized");

    public static Ec2Exception MissingParameter(string name) => new("MissingParameter", $"The request must contain the parameter {name}");

    public static Ec2Exception MissingParameterMessage(string message) => new("MissingParameter", message);

    public static Ec2Exception InvalidParameterValue(string message) => new("InvalidParameterValue", message);

    public static Ec2Exception InvalidValue(string parameter, string? value) =>
        new("InvalidParameterValue", $"Value ({value}) for parameter {parameter} is invalid.");

    public static Ec2Exception InvalidParameterCombination(string message) => new("InvalidParameterCombination", message);

    public static Ec2Exception InvalidParameter(string message) => new("InvalidParameter", message);

    public static Ec2Exception DryRun() => new("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);

    public static Ec2Exception InternalError() => new("InternalError", "An internal error has occurred", 500);

    public static Ec2Exception NotFound(string code, string message) => new(code, message);

    public static Ec2Exception Malformed(string code, string id, string prefix) =>
        new(code, $"Invalid id: \"{id}\" (expecting \"{prefix}-...\")");

    public static Ec2Exception IdempotentParameterMismatch() => new(
        "IdempotentParameterMismatch",
        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).");

    public static Ec2Exception DependencyViolation(string message) => new("DependencyViolation", message);

    public static Ec2Exception AddressOutsideSubnet(string ip) =>
        new("InvalidParameterValue", $"Address {ip} does not fall within the subnet's address range");

    public static Ec2Exception AddressInUse(string ip) => new("InvalidIPAddress.InUse", $"Address {ip} is in use.");

    public static Ec2Exception MoveNotAllowed(string ip, string owner) =>
        new("InvalidParameterValue", $"Address {ip} is assigned to interface {owner}, but move is not allowed.");

    public static Ec2Exception PrivateIpAddressLimitExceeded() =>
        new("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit.");

    public static Ec2Exception InsufficientFreeAddresses() => new(
        "InsufficientFreeAddressesInSubnet",
        "The specified subnet does not have enough free addresses to satisfy the request.");

    public static Ec2Exception InsufficientCidrBlocks() => new(
        "InsufficientCidrBlocks",
        "The specified subnet does not have enough free cidr blocks to satisfy the request.");

    public static Ec2Exception IncorrectInstanceState(string message) => new("IncorrectInstanceState", message);

    public static Ec2Exception TagLimitExceeded() => new("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");

    /// <summary>A launch or start that would take the running instances of a bucket past the account's vCPU quota.</summary>
    public static Ec2Exception VcpuLimitExceeded(long limit) => new(
        "VcpuLimitExceeded",
        $"You have requested more vCPU capacity than your current vCPU limit of {limit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.");
}
