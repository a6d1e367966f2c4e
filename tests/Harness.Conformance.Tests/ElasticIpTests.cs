using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>AllocateAddress, AssociateAddress to a secondary address, DisassociateAddress, ReleaseAddress through the SDK.</summary>
public sealed class ElasticIpTests(SdkHarness harness) : IClassFixture<SdkHarness>
{
    [Fact]
    public async Task AnElasticIp_FollowsItsAssociation_OnAddressesAndOnTheInterface()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 30);
        var instance = await net.RunAsync(ec2);
        var eni = instance.NetworkInterfaces.Single().NetworkInterfaceId;
        var secondary = "10.30.1.50";
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = eni, PrivateIpAddresses = [secondary] });

        var allocation = await ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc });
        Assert.StartsWith("eipalloc-", allocation.AllocationId, StringComparison.Ordinal);
        Assert.True(System.Net.IPAddress.TryParse(allocation.PublicIp, out _), allocation.PublicIp);
        Assert.Equal(DomainType.Vpc, allocation.Domain);

        var association = await ec2.AssociateAddressAsync(new AssociateAddressRequest
        {
            AllocationId = allocation.AllocationId, NetworkInterfaceId = eni, PrivateIpAddress = secondary,
        });
        Assert.StartsWith("eipassoc-", association.AssociationId, StringComparison.Ordinal);

        var address = (await ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [allocation.AllocationId] })).Addresses.Single();
        Assert.Equal(allocation.PublicIp, address.PublicIp);
        Assert.Equal(association.AssociationId, address.AssociationId);
        Assert.Equal(eni, address.NetworkInterfaceId);
        Assert.Equal(secondary, address.PrivateIpAddress);
        Assert.Equal(instance.InstanceId, address.InstanceId);

        var onInterface = (await FailoverPathTests.InterfaceAsync(ec2, eni)).PrivateIpAddresses.Single(p => p.PrivateIpAddress == secondary);
        Assert.Equal(allocation.PublicIp, onInterface.Association.PublicIp);
        Assert.Equal(allocation.AllocationId, onInterface.Association.AllocationId);
        Assert.Equal(association.AssociationId, onInterface.Association.AssociationId);

        var byFilter = await ec2.DescribeAddressesAsync(new DescribeAddressesRequest
        {
            Filters = [new Filter("network-interface-id", [eni])],
        });
        Assert.Equal([allocation.AllocationId], byFilter.Addresses.Select(a => a.AllocationId));

        await ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = association.AssociationId });
        var loose = (await ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [allocation.AllocationId] })).Addresses.Single();
        Assert.Null(loose.AssociationId);
        Assert.Null(loose.NetworkInterfaceId);
        Assert.Null((await FailoverPathTests.InterfaceAsync(ec2, eni)).PrivateIpAddresses.Single(p => p.PrivateIpAddress == secondary).Association);

        await ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = allocation.AllocationId });
        var released = await Assert.ThrowsAsync<AmazonEC2Exception>(
            () => ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [allocation.AllocationId] }));
        Assert.Equal("InvalidAllocationID.NotFound", released.ErrorCode);
    }
}
