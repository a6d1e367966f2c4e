using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

/// <summary>An interface an instance launches with, already created; the instance attaches it.</summary>
[GenerateSerializer]
[Immutable]
public sealed record LaunchInterface(string NetworkInterfaceId, string AttachmentId, int DeviceIndex, int NetworkCardIndex, bool DeleteOnTermination);

/// <summary>
/// One instance to launch. <paramref name="Stopped"/>: it is created stopped (Alibaba's CreateInstance), holding no vCPUs
/// once launched, and its metadata service never sees it running until it is started.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record LaunchSpec(
    string Region, string InstanceId, string ReservationId, int AmiLaunchIndex, string ImageId, string InstanceType,
    string SubnetId, string VpcId, string AvailabilityZone, string? KeyName, string? ClientToken, MetadataOptionsView MetadataOptions,
    ImmutableArray<LaunchInterface> Interfaces, ImmutableArray<Tag> Tags, bool Stopped = false);

[GenerateSerializer]
[Immutable]
public sealed record StateChange(string InstanceId, InstanceStateView Previous, InstanceStateView Current);

/// <summary>ModifyInstanceMetadataOptions: null members are left alone.</summary>
[GenerateSerializer]
[Immutable]
public sealed record MetadataOptionsPatch(string? HttpTokens, int? HttpPutResponseHopLimit, string? HttpEndpoint, string? HttpProtocolIpv6, string? InstanceMetadataTags);
