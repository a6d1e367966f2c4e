using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

[GenerateSerializer]
[Immutable]
public sealed record CreateInterfaceSpec(
    string Region, string NetworkInterfaceId, string SubnetId, string VpcId, string AvailabilityZone, string AvailabilityZoneId,
    string MacAddress, string Description, ImmutableArray<string> GroupIds, string InterfaceType, uint PrimaryAddress,
    AddressRequest Secondaries, ImmutableArray<Tag> Tags, long Sequence);

[GenerateSerializer]
[Immutable]
public sealed record AttachCommand(
    string InstanceId, string AttachmentId, int DeviceIndex, int NetworkCardIndex, bool DeleteOnTermination, int MaxIpv4PerInterface);

/// <summary>One attribute change of ModifyNetworkInterfaceAttribute; null members are left alone.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ModifyInterfaceCommand(
    string? Description, ImmutableArray<string>? GroupIds, bool? SourceDestCheck, string? AttachmentId, bool? DeleteOnTermination);
