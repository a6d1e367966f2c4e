using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>
/// The failover path as the AWS SDK for .NET walks it, every call through <see cref="AmazonEC2Client"/>: each field a
/// failover agent reads must come back deserialized (ids, addresses, primary flags, attachment state, associations).
/// </summary>
public sealed class FailoverPathTests(SdkHarness harness) : IClassFixture<SdkHarness>
{
    [Fact]
    public async Task CreateVpcSubnetAndRunInstances_DeserializeIdsAddressesAndThePrimaryInterface()
    {
        using var ec2 = harness.Client();
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.20.0.0/16" })).Vpc;
        var subnet = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = "10.20.1.0/24" })).Subnet;

        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = Topology.Ami, MinCount = 1, MaxCount = 1, SubnetId = subnet.SubnetId, InstanceType = InstanceType.T3Micro,
        })).Reservation.Instances.Single();

        Assert.StartsWith("vpc-", vpc.VpcId, StringComparison.Ordinal);
        Assert.Equal("10.20.0.0/16", vpc.CidrBlock);
        Assert.StartsWith("subnet-", subnet.SubnetId, StringComparison.Ordinal);
        Assert.Equal(vpc.VpcId, subnet.VpcId);
        Assert.Equal("10.20.1.0/24", subnet.CidrBlock);
        Assert.False(string.IsNullOrEmpty(subnet.AvailabilityZone));
        Assert.StartsWith("i-", instance.InstanceId, StringComparison.Ordinal);
        Assert.Equal(InstanceType.T3Micro, instance.InstanceType);
        Assert.Equal(subnet.SubnetId, instance.SubnetId);
        Assert.Equal(vpc.VpcId, instance.VpcId);
        Assert.StartsWith("10.20.1.", instance.PrivateIpAddress, StringComparison.Ordinal);
        var eth0 = Assert.Single(instance.NetworkInterfaces);
        Assert.StartsWith("eni-", eth0.NetworkInterfaceId, StringComparison.Ordinal);
        Assert.Equal(0, eth0.Attachment.DeviceIndex);
        Assert.StartsWith("eni-attach-", eth0.Attachment.AttachmentId, StringComparison.Ordinal);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", eth0.MacAddress);
        var primary = Assert.Single(eth0.PrivateIpAddresses);
        Assert.True(primary.Primary);
        Assert.Equal(instance.PrivateIpAddress, primary.PrivateIpAddress);

        var described = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance.InstanceId] }))
            .Reservations.Single().Instances.Single();
        Assert.Equal(instance.PrivateIpAddress, described.PrivateIpAddress);
        Assert.Contains(described.State.Name, new[] { InstanceStateName.Pending, InstanceStateName.Running });
    }

    [Fact]
    public async Task AFloatingAddress_MovesBetweenTwoInstancesSecondaryInterfaces_AndEveryStepReadsBack()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 21);
        var a = await net.RunAsync(ec2);
        var b = await net.RunAsync(ec2);
        var ethA = await net.CreateInterfaceAsync(ec2, "a's failover interface");
        var ethB = await net.CreateInterfaceAsync(ec2, "b's failover interface");
        Assert.Equal(NetworkInterfaceStatus.Available, ethA.Status);
        Assert.Equal("a's failover interface", ethA.Description);
        Assert.Null(ethA.Attachment);

        var attachA = await ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = ethA.NetworkInterfaceId, InstanceId = a.InstanceId, DeviceIndex = 1,
        });
        var attachB = await ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = ethB.NetworkInterfaceId, InstanceId = b.InstanceId, DeviceIndex = 1,
        });
        Assert.StartsWith("eni-attach-", attachA.AttachmentId, StringComparison.Ordinal);
        Assert.NotEqual(attachA.AttachmentId, attachB.AttachmentId);

        var attached = await InterfaceAsync(ec2, ethA.NetworkInterfaceId);
        Assert.Equal(NetworkInterfaceStatus.InUse, attached.Status);
        Assert.Equal(a.InstanceId, attached.Attachment.InstanceId);
        Assert.Equal(attachA.AttachmentId, attached.Attachment.AttachmentId);
        Assert.Equal(1, attached.Attachment.DeviceIndex);
        Assert.Equal(AttachmentStatus.Attached, attached.Attachment.Status);

        // The floating address goes to A by name, plus two more by count.
        var floating = "10.21.1.200";
        var assigned = await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = ethA.NetworkInterfaceId, PrivateIpAddresses = [floating],
        });
        Assert.Equal(ethA.NetworkInterfaceId, assigned.NetworkInterfaceId);
        Assert.Equal([floating], assigned.AssignedPrivateIpAddresses.Select(p => p.PrivateIpAddress));
        var counted = await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = ethA.NetworkInterfaceId, SecondaryPrivateIpAddressCount = 2,
        });
        Assert.Equal(2, counted.AssignedPrivateIpAddresses.Count);
        Assert.All(counted.AssignedPrivateIpAddresses, p => Assert.StartsWith("10.21.1.", p.PrivateIpAddress, StringComparison.Ordinal));

        var onA = await InterfaceAsync(ec2, ethA.NetworkInterfaceId);
        Assert.Equal(4, onA.PrivateIpAddresses.Count);
        var primaryA = Assert.Single(onA.PrivateIpAddresses, p => p.Primary == true);
        Assert.Equal(onA.PrivateIpAddress, primaryA.PrivateIpAddress);
        Assert.False(onA.PrivateIpAddresses.Single(p => p.PrivateIpAddress == floating).Primary);

        // Failover: B takes the address over; A loses it in the same call.
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = ethB.NetworkInterfaceId, PrivateIpAddresses = [floating], AllowReassignment = true,
        });
        Assert.DoesNotContain(floating, (await InterfaceAsync(ec2, ethA.NetworkInterfaceId)).PrivateIpAddresses.Select(p => p.PrivateIpAddress));
        var onB = await InterfaceAsync(ec2, ethB.NetworkInterfaceId);
        Assert.False(onB.PrivateIpAddresses.Single(p => p.PrivateIpAddress == floating).Primary);

        // Back out: unassign, detach with Force, delete, terminate.
        await ec2.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = ethB.NetworkInterfaceId, PrivateIpAddresses = [floating],
        });
        Assert.Equal([onB.PrivateIpAddress], (await InterfaceAsync(ec2, ethB.NetworkInterfaceId)).PrivateIpAddresses.Select(p => p.PrivateIpAddress));

        await ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest { AttachmentId = attachB.AttachmentId, Force = true });
        var detached = await Eventually.UntilAsync(
            () => InterfaceAsync(ec2, ethB.NetworkInterfaceId), n => n.Status == NetworkInterfaceStatus.Available, "ethB available after detach");
        Assert.True(detached.Attachment is null || detached.Attachment.Status == AttachmentStatus.Detached);

        var deleted = await ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = ethB.NetworkInterfaceId });
        Assert.Equal(HttpStatusCode.OK, deleted.HttpStatusCode);
        var gone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => InterfaceAsync(ec2, ethB.NetworkInterfaceId));
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", gone.ErrorCode);

        var terminated = await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [a.InstanceId, b.InstanceId] });
        Assert.Equal(
            new[] { a.InstanceId, b.InstanceId }.Order(),
            terminated.TerminatingInstances.Select(t => t.InstanceId).Order());
        Assert.All(terminated.TerminatingInstances, t =>
        {
            Assert.Contains(t.CurrentState.Name, new[] { InstanceStateName.ShuttingDown, InstanceStateName.Terminated });
            Assert.NotEqual(t.CurrentState.Name, t.PreviousState.Name);
        });
    }

    [Fact]
    public async Task ModifyNetworkInterfaceAttribute_ChangesWhatDescribeReads()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 22);
        var instance = await net.RunAsync(ec2);
        var eni = await net.CreateInterfaceAsync(ec2);
        Assert.True(eni.SourceDestCheck);
        var attachmentId = (await ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 1,
        })).AttachmentId;

        await ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, SourceDestCheck = false,
        });
        await ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, Description = "virtual router",
        });
        await ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            Attachment = new NetworkInterfaceAttachmentChanges { AttachmentId = attachmentId, DeleteOnTermination = true },
        });

        var modified = await InterfaceAsync(ec2, eni.NetworkInterfaceId);
        Assert.False(modified.SourceDestCheck);
        Assert.Equal("virtual router", modified.Description);
        Assert.True(modified.Attachment.DeleteOnTermination);
        var attribute = await ec2.DescribeNetworkInterfaceAttributeAsync(new DescribeNetworkInterfaceAttributeRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, Attribute = NetworkInterfaceAttribute.SourceDestCheck,
        });
        Assert.False(attribute.SourceDestCheck);
    }

    internal static async Task<NetworkInterface> InterfaceAsync(AmazonEC2Client ec2, string id) =>
        (await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] })).NetworkInterfaces.Single();
}
