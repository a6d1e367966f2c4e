using Harness.ControlPlane.Metadata;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

public sealed class MetadataPropagationFlushTests
{
    [Fact]
    public async Task AssignAsync_NeverModel_PendingWithoutDueTimeAndNeverApplied()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)").WithKind(MetadataChangeKinds.PrivateIpv4s, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var madeAt = host.Now;

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));

        var pending = Assert.Single(host.Pending(instance));
        Assert.Equal(MetadataChangeKinds.PrivateIpv4s, pending.Kind);
        Assert.Equal("never", pending.Status);
        Assert.Null(pending.DueAt);
        Assert.Null(pending.SeenAt);
        Assert.Equal(madeAt, pending.MadeAt);

        host.Advance(TimeSpan.FromDays(1));

        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Equal("never", host.Refresh(pending).Status);
        Assert.Single(host.Pending(instance));
        Assert.False(host.InSync(instance));
        Assert.Equal(1, host.Propagation.Describe(instance)!.PendingChanges);
    }

    [Fact]
    public async Task AssignAsync_NeverThenOtherPartChanges_LaterChangesStillArrive()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)").WithKind(MetadataChangeKinds.PrivateIpv4s, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        host.Advance(TimeSpan.FromDays(1));

        await host.SetGroupsAsync(eni, web.GroupId);
        var start = host.Now;
        host.AdvanceMs(1500);

        Assert.Equal([web.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Equal(start + TimeSpan.FromMilliseconds(1500), host.LastEvent(instance, MetadataChangeKinds.SecurityGroups).SeenAt);
        Assert.Equal("never", Assert.Single(host.Pending(instance)).Status);
        Assert.False(host.InSync(instance));
    }

    [Fact]
    public async Task Flush_NeverChangeParked_AppliesItAndViewEqualsControlPlane()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)").WithKind(MetadataChangeKinds.PrivateIpv4s, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        await host.SetGroupsAsync(eni, web.GroupId);
        host.Advance(TimeSpan.FromDays(1));
        var parked = host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s);

        var applied = host.Propagation.Flush();

        Assert.Equal(1, applied);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, eni));
        Assert.Equal([web.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
        var entry = host.Refresh(parked);
        Assert.Equal("applied", entry.Status);
        Assert.Equal(host.Now, entry.SeenAt);
        Assert.Null(entry.DueAt);
        Assert.Empty(host.Pending(instance));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task Flush_NeverChangeCoveredByNewerOne_IsSuperseded()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)").WithKind(MetadataChangeKinds.PrivateIpv4s, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        var parked = host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s);
        host.Configure(s => s.WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(1s)"));
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.12"));
        host.AdvanceMs(1000);
        Assert.Equal(["10.0.1.10", "10.0.1.11", "10.0.1.12"], host.LocalIpv4s(instance, eni));

        var applied = host.Propagation.Flush();

        Assert.Equal(0, applied);
        Assert.Equal("superseded", host.Refresh(parked).Status);
        Assert.Equal(["10.0.1.10", "10.0.1.11", "10.0.1.12"], host.LocalIpv4s(instance, eni));
        Assert.Empty(host.Pending(instance));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AttachAsync_NeverThenAddressChangeOnThatInterface_AddressChangeBringsTheInterfaceInWholeAndFlushSupersedesTheAttach()
    {
        // Documented behaviour: a part change for an interface the view lacks carries the interface as it was when the
        // change was made, so the first later change to a "never" attached interface brings all of it, not only its part.
        await using var host = new MetadataHost(Settings("fixed(1500ms)").WithKind(MetadataChangeKinds.InterfaceAttached, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20", Addresses(false, "10.0.1.21"));
        await host.SetGroupsAsync(second, web.GroupId);

        await host.AttachAsync(instance, second, 1);
        host.Advance(TimeSpan.FromDays(1));

        Assert.Null(host.Shown(instance, second));
        var attach = host.LastEvent(instance, MetadataChangeKinds.InterfaceAttached);
        Assert.Equal(ChangeStatus.Never, attach.Status);
        Assert.Null(attach.DueAt);
        Assert.False(host.InSync(instance));

        await host.AddressesOn(second).AssignAsync(Addresses(false, "10.0.1.22"));
        host.AdvanceMs(1499);
        Assert.Null(host.Shown(instance, second));
        host.AdvanceMs(1);

        var nic = host.Shown(instance, second);
        Assert.NotNull(nic);
        Assert.Equal(second, nic.NetworkInterfaceId);
        Assert.Equal(1, nic.DeviceNumber);
        Assert.Equal(0, nic.NetworkCard);
        Assert.Equal(subnet.SubnetId, nic.SubnetId);
        Assert.Equal(["10.0.1.20", "10.0.1.21", "10.0.1.22"], Format(nic.LocalIpv4s));
        Assert.Equal([web.GroupId], nic.SecurityGroupIds.ToArray());
        Assert.Equal(["web"], nic.SecurityGroupNames.ToArray());
        Assert.Equal([eni, second], host.View(instance).Interfaces.Select(n => n.NetworkInterfaceId));
        Assert.Equal(ChangeStatus.Applied, host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).Status);
        Assert.True(host.InSync(instance));
        Assert.Equal(ChangeStatus.Never, Assert.Single(host.Pending(instance)).Status);
        var shown = host.View(instance);

        var applied = host.Propagation.Flush();

        // The parked attach is older than what the address change brought: it is superseded, and nothing goes back.
        Assert.Equal(0, applied);
        Assert.Equal(ChangeStatus.Superseded, host.Refresh(attach).Status);
        Assert.Same(shown, host.View(instance));
        Assert.Equal(["10.0.1.20", "10.0.1.21", "10.0.1.22"], host.LocalIpv4s(instance, second));
        Assert.Empty(host.Pending(instance));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AssignAsync_NeverPrefixChangeThen300AddressChanges_OnlyTheParkedChangeStaysPending()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)").WithKind(MetadataChangeKinds.Ipv4Prefixes, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.AddressesOn(eni).AssignAsync(Prefixes("10.0.1.32"));

        for (var i = 0; i < 300; i++)
        {
            if (i % 2 == 0)
            {
                await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
            }
            else
            {
                await host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.20")], []);
            }

            host.AdvanceMs(7);
        }

        host.Advance(TimeSpan.FromMinutes(1));

        var status = host.Propagation.Describe(instance);
        Assert.NotNull(status);
        Assert.Equal(1, status.PendingChanges);
        var parked = Assert.Single(host.Pending(instance));
        Assert.Equal(ChangeStatus.Never, parked.Status);
        Assert.Equal(MetadataChangeKinds.Ipv4Prefixes, parked.Kind);
        var addressChanges = host.Events(instance, MetadataChangeKinds.PrivateIpv4s);
        Assert.Equal(300, addressChanges.Count);
        Assert.All(addressChanges, e => Assert.Equal(ChangeStatus.Applied, e.Status));
        Assert.All(addressChanges, e => Assert.Equal(e.DueAt, e.SeenAt));
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Empty(host.Shown(instance, eni)!.Prefixes);
        Assert.False(status.InSync);
    }

    [Fact]
    public async Task Flush_ChangesInFlightOnSeveralInstances_AppliesAllAtOnce()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)").WithKind(MetadataChangeKinds.ElasticIps, "never"));
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.30");
        var eip = await host.AllocateAsync();
        await host.AddressesOn(eniA).AssignAsync(Addresses(false, "10.0.1.11"));
        await host.AttachAsync(a, second, 1);
        await host.AssociateAsync(eip, eniB, privateIp: null);
        await host.Instance(b).StopAsync();
        host.AdvanceMs(2500);
        var flushedAt = host.Now;
        Assert.False(host.InSync(a));
        Assert.False(host.InSync(b));

        var applied = host.Propagation.Flush();

        Assert.Equal(4, applied);
        Assert.Equal(flushedAt, host.Now);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(a, eniA));
        Assert.Equal(["10.0.1.30"], host.LocalIpv4s(a, second));
        Assert.Equal(eip.PublicIp, host.Shown(b, eniB)!.PublicIpOf(Ip("10.0.1.20")));
        Assert.Equal("stopped", host.View(b).State);
        Assert.All(host.Events().Skip(2), e => Assert.Equal("applied", e.Status));
        Assert.All(host.Events().Skip(2), e => Assert.Equal(flushedAt, e.SeenAt));
        Assert.True(host.InSync(a));
        Assert.True(host.InSync(b));
        Assert.Empty(host.Pending(a));
        Assert.Empty(host.Pending(b));

        host.Advance(TimeSpan.FromSeconds(30));
        Assert.All(host.Events().Skip(2), e => Assert.Equal(flushedAt, e.SeenAt));
        Assert.Equal(0, host.Propagation.Flush());
    }

    [Fact]
    public async Task Flush_NothingPending_ReturnsZero()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        Assert.Equal(0, host.Propagation.Flush());
    }

    [Fact]
    public async Task Flush_ThenNewChange_NewChangeTakesOnlyItsOwnDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60m)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        host.Propagation.Flush();
        host.Propagation.Settings = Settings("fixed(1500ms)");
        var madeAt = host.Now;

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.12"));

        // The flushed change is no longer in flight, so in-order delivery has nothing to wait behind.
        Assert.Equal(madeAt + TimeSpan.FromMilliseconds(1500), Assert.Single(host.Pending(instance)).DueAt);
        host.AdvanceMs(1500);
        Assert.Equal(["10.0.1.10", "10.0.1.11", "10.0.1.12"], host.LocalIpv4s(instance, eni));
    }

    [Fact]
    public async Task Reset_AfterActivity_ClearsSlotsTimelineAndRestoresStartSettings()
    {
        var start = Settings("fixed(10s)");
        await using var host = new MetadataHost(start);
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        host.Propagation.Settings = Settings("never") with { Reorder = true };
        var address = host.Slot(instance).Address;

        host.Propagation.Reset();

        Assert.Same(start, host.Propagation.Settings);
        Assert.Empty(host.Propagation.Slots);
        Assert.False(host.Propagation.TryGetByInstanceId(instance, out _));
        Assert.False(host.Propagation.TryGetByAddress(address, out _));
        Assert.Null(host.Propagation.Describe(instance));
        Assert.Null(host.Propagation.Pending(instance));
        var page = host.Propagation.Timeline(null, 0, 100);
        Assert.Empty(page.Events);
        Assert.Equal(0, page.LastSequence);
        Assert.Equal(0, page.Dropped);
        Assert.Equal(0, host.Propagation.Flush());
        host.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(host.Propagation.Timeline(null, 0, 100).Events);
    }

    [Fact]
    public async Task Reset_ControlPlaneReset_NextInstanceStartsAgainAtFirstAddressAndSequence()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");

        await host.ResetControlPlaneAsync();
        subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        Assert.Equal("127.1.1.1", host.Slot(instance).AddressText);
        Assert.Single(host.Propagation.Slots);
        var entry = Assert.Single(host.Events());
        Assert.Equal(1, entry.Sequence);
        Assert.Equal(MetadataChangeKinds.InstanceLaunched, entry.Kind);
    }
}
