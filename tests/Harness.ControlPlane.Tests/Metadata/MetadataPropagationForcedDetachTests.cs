using Harness.ControlPlane.Metadata;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

public sealed class MetadataPropagationForcedDetachTests
{
    [Fact]
    public async Task DetachAsync_Forced_ViewKeepsInterfaceIndefinitely()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"));
        var (instance, second, attachment) = await LaunchWithSecondInterfaceAsync(host);
        var madeAt = host.Now;

        await host.Instance(instance).DetachAsync(attachment, force: true);

        Assert.Null(host.State.NetworkInterfaces[second].Attachment);
        Assert.Equal("available", host.State.NetworkInterfaces[second].Status);
        var entry = Assert.Single(host.Events(instance, MetadataChangeKinds.InterfaceDetached));
        Assert.Equal("stale", entry.Status);
        Assert.Empty(host.Pending(instance));
        Assert.Equal(second, entry.NetworkInterfaceId);
        Assert.Equal(madeAt, entry.MadeAt);
        Assert.Null(entry.DueAt);
        Assert.Null(entry.SeenAt);

        host.Advance(TimeSpan.FromDays(1));

        Assert.Equal(["10.0.1.20"], host.LocalIpv4s(instance, second));
        Assert.Equal(2, host.View(instance).Interfaces.Length);
        Assert.Equal("stale", host.Refresh(entry).Status);
        Assert.False(host.InSync(instance));
    }

    [Fact]
    public async Task DetachAsync_ForcedThenStopAndStart_StartRemovesInterfaceAfterItsDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"));
        var (instance, second, attachment) = await LaunchWithSecondInterfaceAsync(host);
        await host.Instance(instance).DetachAsync(attachment, force: true);
        host.Advance(TimeSpan.FromMinutes(5));

        await host.Instance(instance).StopAsync();
        host.AdvanceMs(1500);
        Assert.Equal("stopped", host.View(instance).State);
        Assert.NotNull(host.Shown(instance, second));

        await host.Instance(instance).StartAsync();
        host.AdvanceMs(1499);
        Assert.NotNull(host.Shown(instance, second));
        Assert.Equal("stopped", host.View(instance).State);
        host.AdvanceMs(1);

        Assert.Null(host.Shown(instance, second));
        Assert.Equal("running", host.View(instance).State);
        Assert.Single(host.View(instance).Interfaces);
        Assert.Equal("applied", host.LastEvent(instance, MetadataChangeKinds.InstanceStarted).Status);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task DetachAsync_ForcedWithStaleDisabled_RemovesInterfaceAfterNormalDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)") with { ForcedDetachStaysStale = false });
        var (instance, second, attachment) = await LaunchWithSecondInterfaceAsync(host);
        var madeAt = host.Now;

        await host.Instance(instance).DetachAsync(attachment, force: true);

        var entry = host.LastEvent(instance, MetadataChangeKinds.InterfaceDetached);
        Assert.Equal("pending", entry.Status);
        Assert.Equal(madeAt + TimeSpan.FromMilliseconds(1500), entry.DueAt);
        host.AdvanceMs(1499);
        Assert.NotNull(host.Shown(instance, second));
        host.AdvanceMs(1);
        Assert.Null(host.Shown(instance, second));
        Assert.Equal("applied", host.Refresh(entry).Status);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task DetachAsync_NotForced_RemovesInterfaceAfterDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"));
        var (instance, second, attachment) = await LaunchWithSecondInterfaceAsync(host);

        await host.Instance(instance).DetachAsync(attachment, force: false);

        Assert.Equal("pending", host.LastEvent(instance, MetadataChangeKinds.InterfaceDetached).Status);
        host.AdvanceMs(1499);
        Assert.NotNull(host.Shown(instance, second));
        host.AdvanceMs(1);
        Assert.Null(host.Shown(instance, second));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task DetachAsync_ForcedThenAttachedElsewhere_OldInstanceStillShowsItNewOneGetsIt()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"));
        var (instance, second, attachment) = await LaunchWithSecondInterfaceAsync(host);
        var subnet = host.State.Subnets.Values.Single();
        var (other, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.30");
        await host.Instance(instance).DetachAsync(attachment, force: true);

        await host.AttachAsync(other, second, 1);
        host.AdvanceMs(1500);

        Assert.Equal(["10.0.1.20"], host.LocalIpv4s(other, second));
        Assert.Equal(["10.0.1.20"], host.LocalIpv4s(instance, second));
        Assert.True(host.InSync(other));
        Assert.False(host.InSync(instance));
    }

    [Fact]
    public async Task DetachAsync_ForcedThenOtherChanges_OtherChangesStillArrive()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"));
        var (instance, second, attachment) = await LaunchWithSecondInterfaceAsync(host);
        var primary = host.View(instance).Primary!.NetworkInterfaceId;
        await host.Instance(instance).DetachAsync(attachment, force: true);

        await host.AddressesOn(primary).AssignAsync(Addresses(false, "10.0.1.11"));
        host.AdvanceMs(1500);

        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, primary));
        Assert.NotNull(host.Shown(instance, second));
    }

    /// <summary>An m5.large with 10.0.1.10 at device 0 and 10.0.1.20 at device 1, both already in its metadata.</summary>
    private static async Task<(string Instance, string Second, string Attachment)> LaunchWithSecondInterfaceAsync(MetadataHost host)
    {
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var attachment = await host.AttachAsync(instance, second, 1);
        host.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(host.Shown(instance, second));
        Assert.True(host.InSync(instance));
        return (instance, second, attachment);
    }
}
