using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>EC2's errors reach SDK users as <see cref="AmazonEC2Exception"/> with EC2's code and HTTP status.</summary>
public sealed class ErrorTests(SdkHarness harness) : IClassFixture<SdkHarness>
{
    [Fact]
    public async Task MovingAnAssignedAddressWithoutAllowReassignment_IsInvalidParameterValue400_AndLeavesItWhereItWas()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 60);
        var a = await net.CreateInterfaceAsync(ec2);
        var b = await net.CreateInterfaceAsync(ec2);
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = a.NetworkInterfaceId, PrivateIpAddresses = ["10.60.1.9"] });

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = b.NetworkInterfaceId, PrivateIpAddresses = ["10.60.1.9"],
        }));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Contains("10.60.1.9", (await FailoverPathTests.InterfaceAsync(ec2, a.NetworkInterfaceId)).PrivateIpAddresses.Select(p => p.PrivateIpAddress));
    }

    [Fact]
    public async Task AnUnknownInterface_IsInvalidNetworkInterfaceIdNotFound400()
    {
        using var ec2 = harness.Client();

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = "eni-0123456789abcdef0", InstanceId = "i-0123456789abcdef0", DeviceIndex = 1,
        }));

        Assert.Equal("InvalidNetworkInterfaceID.NotFound", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("eni-0123456789abcdef0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_IsDryRunOperation412_AndChangesNothing()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 61);
        var eni = await net.CreateInterfaceAsync(ec2);
        var instance = await net.RunAsync(ec2);

        var attach = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 1, DryRun = true,
        }));
        var launch = await Assert.ThrowsAsync<AmazonEC2Exception>(() => net.RunAsync(ec2, r => r.DryRun = true));

        Assert.Equal("DryRunOperation", attach.ErrorCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, attach.StatusCode);
        Assert.Equal("DryRunOperation", launch.ErrorCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, launch.StatusCode);
        Assert.Null((await FailoverPathTests.InterfaceAsync(ec2, eni.NetworkInterfaceId)).Attachment);
        var instances = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("subnet-id", [net.SubnetId])] });
        Assert.Equal([instance.InstanceId], instances.Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));
    }

    [Fact]
    public async Task DetachingTheSameAttachmentTwice_IsInvalidAttachmentIdNotFound()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 62);
        var instance = await net.RunAsync(ec2);
        var eni = await net.CreateInterfaceAsync(ec2);
        var attachmentId = (await ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, InstanceId = instance.InstanceId, DeviceIndex = 1,
        })).AttachmentId;
        await ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest { AttachmentId = attachmentId, Force = true });
        await Eventually.UntilAsync(
            () => FailoverPathTests.InterfaceAsync(ec2, eni.NetworkInterfaceId), n => n.Status == NetworkInterfaceStatus.Available, "detached");

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(
            () => ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest { AttachmentId = attachmentId }));

        Assert.Equal("InvalidAttachmentID.NotFound", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }
}
