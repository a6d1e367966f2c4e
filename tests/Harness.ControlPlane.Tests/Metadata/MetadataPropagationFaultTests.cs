using Harness.ControlPlane.Metadata;
using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Metadata;

/// <summary>Faults on the way to instances' metadata, on fake time: stuck, never, flapping, the hot-plug quirk, stale history.</summary>
public sealed class MetadataPropagationFaultTests
{
    [Fact]
    public async Task Stuck_HoldsDueChangesUntilCleared_ThenAppliesThemInOrder()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var stuck = host.AddFault($"imds-stuck(instance={instance})", "stuck");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        host.AdvanceMs(500);
        await host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.20")], []);
        host.AdvanceMs(10_000);

        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        var held = host.Pending(instance);
        Assert.Equal(["held", "held"], held.Select(e => e.Status));
        Assert.All(held, e => Assert.Equal("stuck", e.Fault));
        Assert.Equal(2, host.Faults.All.Single().Touched);

        var clearedAt = host.Now;
        Assert.True(host.Faults.Remove(stuck));

        // Both arrive now, in the order they were made: the address came and went, so the view ends without it.
        Assert.Empty(host.Pending(instance));
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        var events = host.Events(instance, MetadataChangeKinds.PrivateIpv4s);
        Assert.Equal(["+10.0.1.20", "-10.0.1.20"], events.Select(e => e.Detail));
        Assert.All(events, e => Assert.Equal(clearedAt, e.SeenAt));
        Assert.Equal(["applied", "applied"], events.Select(e => e.Status));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task Stuck_WithKind_HoldsOnlyThatKind()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var group = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        host.AddFault("imds-stuck(kind=private-ipv4s)");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        await host.SetGroupsAsync(eni, group.GroupId);
        host.AdvanceMs(1000);

        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Equal([group.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
        Assert.Equal("held", Assert.Single(host.Pending(instance)).Status);
    }

    [Fact]
    public async Task Stuck_ExpiresWithFor_AndReleasesAtThatMoment()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AddFault($"imds-stuck(instance={instance}, for=5s)");
        var start = host.Now;

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        host.AdvanceMs(4999);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));

        host.AdvanceMs(1);

        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.LocalIpv4s(instance, eni));
        Assert.Equal(start + TimeSpan.FromSeconds(5), host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).SeenAt);
        Assert.Contains(host.Faults.Events(0, 100).Events, e => e.Event == "expired");
    }

    [Fact]
    public async Task Stuck_OnAnotherInstance_LeavesThisOneAlone()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AddFault("imds-stuck(instance=i-0000000000000000f)");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        host.AdvanceMs(1000);

        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.LocalIpv4s(instance, eni));
    }

    [Fact]
    public async Task Never_ParksChangesOfItsKind_LaterOnesOfOtherKindsArrive_FlushAppliesThem()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var group = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        var never = host.AddFault($"imds-never(kind=private-ipv4s, interface={eni})", "lost");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        await host.SetGroupsAsync(eni, group.GroupId);
        host.AdvanceMs(60_000);

        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Equal([group.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
        var parked = Assert.Single(host.Pending(instance));
        Assert.Equal(("never", "lost"), (parked.Status, parked.Fault));
        Assert.Null(parked.DueAt);

        // Clearing the fault does not bring back what it lost; later changes go as usual.
        host.Faults.Remove(never);
        host.AdvanceMs(60_000);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Equal(1, host.Propagation.Flush());
        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.LocalIpv4s(instance, eni));
    }

    [Fact]
    public async Task Flap_AddressAppearsDisappearsAndReappears_ThenSettles()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AddFault("imds-flap(times=2, interval=500ms)", "flap");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        var seen = new List<string>();
        for (var t = 0; t < 12; t++)
        {
            host.AdvanceMs(250);
            seen.Add(string.Join(",", host.LocalIpv4s(instance, eni)));
        }

        const string Without = "10.0.1.10";
        const string With = "10.0.1.10,10.0.1.20";
        Assert.Equal([Without, Without, Without, With, With, Without, Without, With, With, Without, Without, With], seen);
        host.AdvanceMs(10_000);
        Assert.Equal(With, string.Join(",", host.LocalIpv4s(instance, eni)));
        var echoes = host.Events(instance).Where(e => e.Fault == "flap").ToList();
        Assert.Equal(["-10.0.1.20 (flap)", "+10.0.1.20 (flap)", "-10.0.1.20 (flap)", "+10.0.1.20 (flap)"], echoes.Select(e => e.Detail));
        Assert.All(echoes, e => Assert.Equal("applied", e.Status));
    }

    [Fact]
    public async Task Flap_ANewerChangeWins_OverTheFlapsOfAnOlderOne()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AddFault("imds-flap(times=1, interval=2s)");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        host.AdvanceMs(1000);
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.30"));
        host.AdvanceMs(1000);

        // The second change arrived at 2 s and flaps itself; the first one's flap (due at 3 s and 5 s) is superseded.
        Assert.Equal(["10.0.1.10", "10.0.1.20", "10.0.1.30"], host.LocalIpv4s(instance, eni));
        host.AdvanceMs(1000);
        Assert.Equal(["10.0.1.10", "10.0.1.20", "10.0.1.30"], host.LocalIpv4s(instance, eni));
        host.AdvanceMs(1000);
        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.LocalIpv4s(instance, eni));
        host.AdvanceMs(2000);
        Assert.Equal(["10.0.1.10", "10.0.1.20", "10.0.1.30"], host.LocalIpv4s(instance, eni));
        Assert.Contains(host.Events(instance), e => e.Fault is not null && e.Status == "superseded");
    }

    [Fact]
    public async Task Hotplug_NewInterfaceReportsDeviceZero_ForItsDuration()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var spare = await host.CreateInterfaceAsync(subnet, "10.0.1.30");
        host.AddFault("imds-hotplug(lasts=3s)");

        await host.AttachAsync(instance, spare, 1);
        host.AdvanceMs(1000);

        var shown = host.Shown(instance, spare)!;
        Assert.Equal((1, 0), (shown.DeviceNumber, shown.ShownDeviceNumber));
        Assert.Equal("10.0.1.10", Ipv4Of(host.View(instance).Primary!));
        host.AdvanceMs(2999);
        Assert.Equal(0, host.Shown(instance, spare)!.ShownDeviceNumber);
        host.AdvanceMs(1);
        Assert.Equal(1, host.Shown(instance, spare)!.ShownDeviceNumber);
        Assert.Contains(host.Events(instance), e => e.Detail.Contains("hot-plug", StringComparison.Ordinal) && e.Status == "applied");
    }

    [Fact]
    public async Task ViewAt_AnswersTheViewAsItWasThen()
    {
        await using var host = new MetadataHost("fixed(1s)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AddFault("imds-stale(rate=0)");
        var booted = host.Now;
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));
        host.AdvanceMs(1000);
        var first = host.Now;
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.30"));
        host.AdvanceMs(1000);

        var slot = host.Slot(instance);
        string[] At(DateTimeOffset at) => MetadataHost.Format(slot.ViewAt(at).FindByMac(host.MacOf(eni))!.LocalIpv4s);
        Assert.Equal(["10.0.1.10"], At(booted));
        Assert.Equal(["10.0.1.10"], At(first - TimeSpan.FromTicks(1)));
        Assert.Equal(["10.0.1.10", "10.0.1.20"], At(first));
        Assert.Equal(["10.0.1.10", "10.0.1.20", "10.0.1.30"], At(host.Now));
        Assert.Equal(["10.0.1.10"], At(DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task ViewAt_RemembersAtLeastTheLastSixteenViews_AndAnswersTheOldestBeyondThem()
    {
        await using var host = new MetadataHost("fixed(0ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AddFault("imds-stale(rate=0)");
        var times = new List<DateTimeOffset>();
        var views = new List<MetadataView>();
        for (var i = 0; i < 40; i++)
        {
            host.AdvanceMs(1000);
            times.Add(host.Now);
            if (i % 2 == 0)
            {
                await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.100"));
            }
            else
            {
                await host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.100")], []);
            }

            views.Add(host.View(instance));
        }

        var slot = host.Slot(instance);
        for (var back = 1; back <= 16; back++)
        {
            Assert.Same(views[^back], slot.ViewAt(times[^back]));
            Assert.Same(views[^back], slot.ViewAt(times[^back] + TimeSpan.FromMilliseconds(999)));
        }

        // Beyond what is kept, the oldest view kept answers, whatever the time asked for.
        var oldest = slot.ViewAt(DateTimeOffset.MinValue);
        var index = views.IndexOf(oldest);
        Assert.InRange(index, 40 - 32, 40 - 16);
        Assert.Same(oldest, slot.ViewAt(times[0]));
    }

    [Fact]
    public async Task ViewAt_WithoutAStaleFault_KeepsNoPastViews()
    {
        await using var host = new MetadataHost("fixed(0ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var before = host.Now;
        host.AdvanceMs(1000);
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));

        Assert.Same(host.View(instance), host.Slot(instance).ViewAt(before));
    }

    private static string Ipv4Of(InterfaceMetadata nic) => Harness.Domain.Net.Ipv4.Format(nic.PrimaryIpv4);
}
