using Harness.ControlPlane.Metadata;
using Harness.Domain.Net;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

public sealed class MetadataPropagationLaunchTests
{
    [Fact]
    public async Task Launch_FirstInstance_ViewEqualsControlPlaneAtOnce()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();

        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10", "10.0.1.11");

        var view = host.View(instance);
        Assert.Equal("running", view.State);
        Assert.Equal(instance, view.Identity.InstanceId);
        Assert.Equal("m5.large", view.Identity.InstanceType);
        var nic = Assert.Single(view.Interfaces);
        Assert.Same(nic, view.Primary);
        Assert.Equal(eni, nic.NetworkInterfaceId);
        Assert.Equal(host.MacOf(eni), nic.Mac);
        Assert.Equal(0, nic.DeviceNumber);
        Assert.Equal(subnet.SubnetId, nic.SubnetId);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], Format(nic.LocalIpv4s));
        Assert.Equal(host.ControlPlaneIpv4s(eni), Format(nic.LocalIpv4s));
        Assert.Empty(nic.Associations);
        Assert.Empty(nic.Prefixes);
        var status = host.Propagation.Describe(instance);
        Assert.NotNull(status);
        Assert.True(status.InSync);
        Assert.Equal(0, status.PendingChanges);
        Assert.Empty(host.Pending(instance));
    }

    [Fact]
    public async Task Launch_DrawnPrimary_PrimaryIsFirstLocalIpv4()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();
        var eni = await host.CreateInterfaceAsync(subnet, secondaries: ControlPlaneHost.Count(2));

        var instance = await host.LaunchAsync(subnet, eni);

        var nic = Assert.Single(host.View(instance).Interfaces);
        Assert.Equal(3, nic.LocalIpv4s.Length);
        Assert.Equal(host.State.TryGetInterface(eni, out _, out var addresses) ? addresses.Primary : 0, nic.PrimaryIpv4);
        Assert.Equal(host.ControlPlaneIpv4s(eni), Format(nic.LocalIpv4s));
    }

    [Fact]
    public async Task Launch_TwoInstances_GetConsecutiveLoopbackAddresses()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();

        var (first, _) = await host.LaunchWithInterfaceAsync(subnet);
        var (second, _) = await host.LaunchWithInterfaceAsync(subnet);

        Assert.Equal("127.1.1.1", host.Slot(first).AddressText);
        Assert.Equal(Ip("127.1.1.1"), host.Slot(first).Address);
        Assert.Equal("127.1.1.2", host.Slot(second).AddressText);
        Assert.True(host.Propagation.TryGetByAddress(Ip("127.1.1.2"), out var slot));
        Assert.Same(host.Slot(second), slot);
        Assert.Equal(second, slot.InstanceId);
        Assert.Equal(RegionName, slot.Region);
        Assert.False(host.Propagation.TryGetByAddress(Ip("127.1.1.3"), out _));
        Assert.Equal(2, host.Propagation.Slots.Count());
    }

    [Theory]
    [InlineData(0u, "127.1.1.1")]
    [InlineData(253u, "127.1.1.254")]
    [InlineData(254u, "127.1.2.1")]
    [InlineData(254u * 254, "127.2.1.1")]
    public void AddressAt_Index_SkipsZeroAnd255Octets(uint index, string expected)
    {
        Assert.Equal(expected, Ipv4.Format(MetadataPropagation.AddressAt(index)));
    }

    [Fact]
    public async Task Launch_Instance_TimelineHasOneAppliedInstanceLaunchedEntry()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();
        host.AdvanceMs(250);
        var launchedAt = host.Now;

        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        var entry = Assert.Single(host.Events(instance));
        Assert.Equal(MetadataChangeKinds.InstanceLaunched, entry.Kind);
        Assert.Equal(instance, entry.InstanceId);
        Assert.Equal(launchedAt, entry.MadeAt);
        Assert.Equal(launchedAt, entry.DueAt);
        Assert.Equal(launchedAt, entry.SeenAt);
        Assert.Equal("applied", entry.Status);
        Assert.Null(entry.NetworkInterfaceId);
        Assert.Equal(1, entry.Sequence);
    }

    [Fact]
    public async Task Launch_NothingElseHappens_ViewNeverChanges()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var view = host.View(instance);

        host.Advance(TimeSpan.FromHours(1));

        Assert.Same(view, host.View(instance));
        Assert.Single(host.Events(instance));
    }
}
