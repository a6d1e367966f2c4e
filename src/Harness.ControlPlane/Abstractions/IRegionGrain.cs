using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

/// <summary>
/// Region-wide state: id generation from the seeded random source, VPCs and the subnet layout inside them,
/// security groups and Elastic IP allocations. It calls subnet grains; nothing below calls it back.
/// </summary>
public interface IRegionGrain : IGrainWithStringKey
{
    Task<string[]> NewIdsAsync(string prefix, int count);

    Task<InterfaceIdentity> NewInterfaceAsync();

    /// <summary>
    /// How many instances of the type, at most <paramref name="maxCount"/>, the region's vCPU quota has room for now; throws
    /// <c>VcpuLimitExceeded</c> when fewer than <paramref name="minCount"/> fit. Reserves nothing: each instance takes its own.
    /// </summary>
    Task<int> InstancesThatFitAsync(string instanceType, int minCount, int maxCount);

    Task<VpcView> CreateVpcAsync(CreateVpcCommand command);

    Task DeleteVpcAsync(string vpcId);

    Task<SubnetView> CreateSubnetAsync(CreateSubnetCommand command);

    Task DeleteSubnetAsync(string subnetId);

    Task<SecurityGroupView> CreateSecurityGroupAsync(CreateSecurityGroupCommand command);

    Task DeleteSecurityGroupAsync(string groupId);

    Task<AddressView> AllocateAddressAsync(AllocateAddressCommand command);

    Task<string> AssociateAddressAsync(AssociateAddressCommand command);

    Task DisassociateAddressAsync(string? associationId, uint? publicIp);

    Task ReleaseAddressAsync(string? allocationId, uint? publicIp);

    /// <summary>Tags on the resources this grain owns: VPCs, security groups, Elastic IPs.</summary>
    Task UpdateTagsAsync(string resourceId, TagUpdate update);
}
