using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Grains;

public sealed class InstanceGrainTests : IAsyncLifetime
{
    private readonly ControlPlaneHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => host.DisposeAsync().AsTask();

    [Fact]
    public async Task LaunchAsync_PrimaryInterface_AttachesAtDeviceIndexZero()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);

        var instance = await host.LaunchAsync(subnet, "t3.micro", eni);

        var view = host.State.Instances[instance];
        Assert.Equal("running", view.State.Name);
        Assert.Equal("10.0.1.4", view.PrivateIpAddress);
        var attachment = Assert.Single(view.Attachments);
        Assert.Equal(0, attachment.DeviceIndex);
        Assert.Equal("in-use", host.State.NetworkInterfaces[eni].Status);
        Assert.Equal(instance, host.State.NetworkInterfaces[eni].Attachment?.InstanceId);
    }

    [Fact]
    public async Task DetachAsync_DeviceIndexZero_ThrowsOperationNotPermitted()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var eni = await host.CreateInterfaceAsync(subnet);
        var instance = await host.LaunchAsync(subnet, "t3.micro", eni);
        var attachmentId = host.State.Instances[instance].Attachments[0].AttachmentId;

        await Ec2Assert.ThrowsAsync("OperationNotPermitted", () => host.Instance(instance).DetachAsync(attachmentId, force: true));

        Assert.Single(host.State.Instances[instance].Attachments);
        Assert.Equal("in-use", host.State.NetworkInterfaces[eni].Status);
    }

    [Fact]
    public async Task AttachAsync_MoreInterfacesThanTheTypeAllows_ThrowsAttachmentLimitExceeded()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var instance = await host.LaunchAsync(subnet, "t3.micro", await host.CreateInterfaceAsync(subnet));
        await host.AttachAsync(instance, await host.CreateInterfaceAsync(subnet), 1);
        var third = await host.CreateInterfaceAsync(subnet);

        await Ec2Assert.ThrowsAsync("AttachmentLimitExceeded", () => host.AttachAsync(instance, third, 2));

        Assert.Equal(2, host.State.Instances[instance].Attachments.Length);
        Assert.Equal("available", host.State.NetworkInterfaces[third].Status);
    }

    [Fact]
    public async Task AttachAsync_DeviceIndexTaken_ThrowsInvalidParameterValue()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var instance = await host.LaunchAsync(subnet, "m5.large", await host.CreateInterfaceAsync(subnet));
        var eni = await host.CreateInterfaceAsync(subnet);

        await Ec2Assert.ThrowsAsync("InvalidParameterValue", () => host.AttachAsync(instance, eni, 0));

        Assert.Equal("available", host.State.NetworkInterfaces[eni].Status);
    }

    [Fact]
    public async Task DetachAsync_SecondaryDevice_DetachesInterface()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var instance = await host.LaunchAsync(subnet, "m5.large", await host.CreateInterfaceAsync(subnet));
        var eni = await host.CreateInterfaceAsync(subnet);
        var attachment = await host.AttachAsync(instance, eni, 1);

        await host.Instance(instance).DetachAsync(attachment, force: false);

        Assert.Single(host.State.Instances[instance].Attachments);
        Assert.Null(host.State.NetworkInterfaces[eni].Attachment);
        Assert.False(host.State.Attachments.ContainsKey(attachment));
        await Ec2Assert.ThrowsAsync("InvalidAttachmentID.NotFound", () => host.Instance(instance).DetachAsync(attachment, force: false));
    }

    [Fact]
    public async Task TerminateAsync_Interfaces_DeletesDeleteOnTerminationAndDetachesOthers()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var primary = await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
        var instance = await host.LaunchAsync(subnet, "m5.large", primary, deleteOnTermination: true);
        var kept = await host.CreateInterfaceAsync(subnet, "10.0.1.20", Addresses(false, "10.0.1.21"));
        await host.AttachAsync(instance, kept, 1);
        Assert.Equal(251 - 4, host.SubnetView(subnet.SubnetId).AvailableIpAddressCount);

        var change = await host.Instance(instance).TerminateAsync();

        Assert.Equal("shutting-down", change.Current.Name);
        Assert.Equal("terminated", host.State.Instances[instance].State.Name);
        Assert.Empty(host.State.Instances[instance].Attachments);
        Assert.False(host.State.NetworkInterfaces.ContainsKey(primary));
        Assert.Equal("available", host.State.NetworkInterfaces[kept].Status);
        Assert.Null(host.State.NetworkInterfaces[kept].Attachment);
        Assert.Empty(host.State.Attachments);
        var view = host.SubnetView(subnet.SubnetId);
        Assert.False(view.Interfaces.ContainsKey(primary));
        Assert.Equal(Ip("10.0.1.20"), view.AddressesOf(kept).Primary);
        Assert.Equal(251 - 2, view.AvailableIpAddressCount);
        await host.CreateInterfaceAsync(subnet, "10.0.1.10", Addresses(false, "10.0.1.11"));
    }

    [Fact]
    public async Task TerminateAsync_DetachedInterface_GetsTheUnattachedLimitBack()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var instance = await host.LaunchAsync(subnet, "t3.micro", await host.CreateInterfaceAsync(subnet));
        var kept = await host.CreateInterfaceAsync(subnet);
        await host.AttachAsync(instance, kept, 1);
        await Ec2Assert.ThrowsAsync("PrivateIpAddressLimitExceeded", () => host.AddressesOn(kept).AssignAsync(Count(2)));

        await host.Instance(instance).TerminateAsync();

        var result = await host.AddressesOn(kept).AssignAsync(Count(2));
        Assert.Equal(2, result.Addresses.Length);
    }
}
