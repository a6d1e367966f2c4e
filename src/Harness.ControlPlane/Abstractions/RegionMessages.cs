using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Abstractions;

[GenerateSerializer]
[Immutable]
public sealed record InterfaceIdentity(string NetworkInterfaceId, string MacAddress, long Sequence);

[GenerateSerializer]
[Immutable]
public sealed record CreateVpcCommand(Ipv4Cidr Cidr, string InstanceTenancy, ImmutableArray<Tag> Tags);

[GenerateSerializer]
[Immutable]
public sealed record CreateSubnetCommand(string VpcId, Ipv4Cidr Cidr, string? AvailabilityZone, ImmutableArray<Tag> Tags);

[GenerateSerializer]
[Immutable]
public sealed record CreateSecurityGroupCommand(string GroupName, string Description, string VpcId, ImmutableArray<Tag> Tags);

[GenerateSerializer]
[Immutable]
public sealed record AllocateAddressCommand(
    string Domain, uint? Address, string? PublicIpv4Pool, string? NetworkBorderGroup, string? CustomerOwnedIpv4Pool, ImmutableArray<Tag> Tags);

/// <summary>AssociateAddress after the adapter resolved its target to one interface.</summary>
[GenerateSerializer]
[Immutable]
public sealed record AssociateAddressCommand(
    string? AllocationId, uint? PublicIp, string SubnetId, string NetworkInterfaceId, uint PrivateIp, bool? AllowReassociation);
