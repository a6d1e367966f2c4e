using System.Collections.Immutable;
using Harness.Domain.Net;

namespace Harness.ControlPlane.ReadModel;

// The immutable records grains publish after every turn that changes them. Describe* reads only these, so a read
// never waits on a grain and never sees half a change. One file on purpose: together they are the read schema.

[GenerateSerializer]
[Immutable]
public sealed record Tag(string Key, string Value);

[GenerateSerializer]
[Immutable]
public sealed record VpcView(
    string VpcId, Ipv4Cidr Cidr, string State, bool IsDefault, string DhcpOptionsId, string InstanceTenancy,
    ImmutableArray<Tag> Tags);

[GenerateSerializer]
[Immutable]
public sealed record SecurityGroupView(
    string GroupId, string GroupName, string Description, string VpcId, ImmutableArray<Tag> Tags);

/// <summary>A subnet and, atomically with it, the addresses every interface in it holds.</summary>
[GenerateSerializer]
[Immutable]
public sealed record SubnetView(
    string SubnetId, string VpcId, Ipv4Cidr Cidr, string AvailabilityZone, string AvailabilityZoneId, long AvailableIpAddressCount,
    ImmutableArray<Tag> Tags,
    ImmutableDictionary<string, InterfaceAddresses> Interfaces,
    ImmutableDictionary<string, BoundAddress> BindingsByAllocation)
{
    public InterfaceAddresses AddressesOf(string networkInterfaceId) =>
        Interfaces.TryGetValue(networkInterfaceId, out var addresses) ? addresses : InterfaceAddresses.Empty;
}

/// <summary>An interface's IPv4 addresses (primary first, then secondaries in assignment order), prefixes and EIP bindings.</summary>
[GenerateSerializer]
[Immutable]
public sealed record InterfaceAddresses(
    uint Primary, ImmutableArray<uint> Secondaries, ImmutableArray<uint> Prefixes, ImmutableDictionary<uint, PublicBinding> Bindings)
{
    public static InterfaceAddresses Empty { get; } = new(0, [], [], ImmutableDictionary<uint, PublicBinding>.Empty);

    public IEnumerable<uint> All => Primary == 0 ? Secondaries : Secondaries.Prepend(Primary);

    public int Ipv4Count => (Primary == 0 ? 0 : 1) + Secondaries.Length + Prefixes.Length;
}

/// <summary>Where an Elastic IP is bound inside a subnet, and by which association.</summary>
[GenerateSerializer]
[Immutable]
public sealed record BoundAddress(string NetworkInterfaceId, uint PrivateIp, PublicBinding Binding);

/// <summary>An Elastic IP bound to a private address. It lives with the address, so it moves when the address moves.</summary>
[GenerateSerializer]
[Immutable]
public sealed record PublicBinding(string AllocationId, string AssociationId, uint PublicIp);

[GenerateSerializer]
[Immutable]
public sealed record AttachmentView(
    string AttachmentId, string InstanceId, int DeviceIndex, int NetworkCardIndex, bool DeleteOnTermination,
    DateTimeOffset AttachTime, string Status);

[GenerateSerializer]
[Immutable]
public sealed record NetworkInterfaceView(
    string NetworkInterfaceId, string SubnetId, string VpcId, string AvailabilityZone, string AvailabilityZoneId, string MacAddress,
    string Description, ImmutableArray<string> GroupIds, bool SourceDestCheck, string Status, string InterfaceType,
    AttachmentView? Attachment, ImmutableArray<Tag> Tags, long Sequence);

[GenerateSerializer]
[Immutable]
public sealed record MetadataOptionsView(string HttpTokens, int HttpPutResponseHopLimit, string HttpEndpoint, string HttpProtocolIpv6, string InstanceMetadataTags)
{
    public static MetadataOptionsView Default { get; } = new("optional", 1, "enabled", "disabled", "disabled");
}

[GenerateSerializer]
[Immutable]
public sealed record InstanceAttachment(int DeviceIndex, int NetworkCardIndex, string NetworkInterfaceId, string AttachmentId);

[GenerateSerializer]
[Immutable]
public sealed record InstanceView(
    string InstanceId, string ReservationId, int AmiLaunchIndex, string ImageId, string InstanceType, InstanceStateView State,
    string StateTransitionReason, string SubnetId, string VpcId, string AvailabilityZone, string PrivateIpAddress,
    DateTimeOffset LaunchTime, string? KeyName, string? ClientToken, MetadataOptionsView MetadataOptions,
    ImmutableArray<InstanceAttachment> Attachments, ImmutableArray<Tag> Tags);

[GenerateSerializer]
[Immutable]
public sealed record InstanceStateView(int Code, string Name)
{
    public static InstanceStateView Pending { get; } = new(0, "pending");
    public static InstanceStateView Running { get; } = new(16, "running");
    public static InstanceStateView ShuttingDown { get; } = new(32, "shutting-down");
    public static InstanceStateView Terminated { get; } = new(48, "terminated");
    public static InstanceStateView Stopping { get; } = new(64, "stopping");
    public static InstanceStateView Stopped { get; } = new(80, "stopped");
}

/// <summary>An Elastic IP allocation. Whether and where it is associated is read from the subnet that holds its binding.</summary>
[GenerateSerializer]
[Immutable]
public sealed record AddressView(
    string AllocationId, uint PublicIp, string Domain, string PublicIpv4Pool, string NetworkBorderGroup,
    string? CustomerOwnedIpv4Pool, string? BoundSubnetId, ImmutableArray<Tag> Tags);
