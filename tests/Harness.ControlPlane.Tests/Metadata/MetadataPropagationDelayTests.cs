using Harness.Runtime;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

public sealed class MetadataPropagationDelayTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task AssignAsync_Fixed1500ms_ShowsSecondaryExactlyAtDueTime()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AdvanceMs(37);
        var madeAt = host.Now;

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));

        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.ControlPlaneIpv4s(eni));
        var pending = Assert.Single(host.Pending(instance));
        Assert.Equal(MetadataChangeKinds.PrivateIpv4s, pending.Kind);
        Assert.Equal("pending", pending.Status);
        Assert.Equal(madeAt, pending.MadeAt);
        Assert.Equal(madeAt + TimeSpan.FromMilliseconds(1500), pending.DueAt);
        Assert.Null(pending.SeenAt);

        host.AdvanceMs(1499);

        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Single(host.Pending(instance));
        Assert.False(host.InSync(instance));
        Assert.Equal(1, host.Propagation.Describe(instance)!.PendingChanges);

        host.AdvanceMs(1);

        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.LocalIpv4s(instance, eni));
        Assert.Empty(host.Pending(instance));
        Assert.True(host.InSync(instance));
        var entry = host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s);
        Assert.Equal(pending.Sequence, entry.Sequence);
        Assert.Equal(madeAt, entry.MadeAt);
        Assert.Equal(madeAt + TimeSpan.FromSeconds(1.5), entry.DueAt);
        Assert.Equal(entry.DueAt, entry.SeenAt);
        Assert.Equal("applied", entry.Status);
        Assert.Equal(eni, entry.NetworkInterfaceId);
        Assert.Equal(host.MacOf(eni), entry.Mac);
        Assert.Equal("+10.0.1.20", entry.Detail);
    }

    [Fact]
    public async Task AssignAsync_ZeroDelay_ShownWhenTheCallReturns()
    {
        await using var host = new MetadataHost("fixed(0ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20"));

        Assert.Equal(["10.0.1.10", "10.0.1.20"], host.LocalIpv4s(instance, eni));
        var entry = host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s);
        Assert.Equal("applied", entry.Status);
        Assert.Equal(entry.MadeAt, entry.SeenAt);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AssignAsync_UnattachedInterface_SchedulesNothing()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var spare = await host.CreateInterfaceAsync(subnet, "10.0.1.30");

        await host.AddressesOn(spare).AssignAsync(Addresses(false, "10.0.1.31"));

        Assert.Empty(host.Pending(instance));
        Assert.Single(host.Events());
    }

    // Every kind of change reaches the view with its kind's own model; the default (60s) would be far too late.

    [Fact]
    public async Task AssignAsync_PrivateIpv4sKindModel_UsesKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(2s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.20", "10.0.1.21"));

        AssertSeenAfter(host, instance, MetadataChangeKinds.PrivateIpv4s, TimeSpan.FromSeconds(2),
            () => host.LocalIpv4s(instance, eni).SequenceEqual(["10.0.1.10", "10.0.1.20", "10.0.1.21"]));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task UnassignAsync_PrivateIpv4sKindModel_RemovesAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(2s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10", "10.0.1.11", "10.0.1.12");

        await host.AddressesOn(eni).UnassignAsync([Ip("10.0.1.11")], []);

        AssertSeenAfter(host, instance, MetadataChangeKinds.PrivateIpv4s, TimeSpan.FromSeconds(2),
            () => host.LocalIpv4s(instance, eni).SequenceEqual(["10.0.1.10", "10.0.1.12"]));
        Assert.Equal("-10.0.1.11", host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).Detail);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AssignAsync_Ipv4PrefixesKindModel_UsesKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.Ipv4Prefixes, "fixed(2500ms)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.AddressesOn(eni).AssignAsync(Prefixes("10.0.1.32"));

        AssertSeenAfter(host, instance, MetadataChangeKinds.Ipv4Prefixes, TimeSpan.FromMilliseconds(2500),
            () => Format(host.Shown(instance, eni)!.Prefixes).SequenceEqual(["10.0.1.32"]));
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task UnassignAsync_Ipv4PrefixesKindModel_RemovesAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.Ipv4Prefixes, "fixed(2500ms)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.AddressesOn(eni).AssignAsync(Prefixes("10.0.1.32", "10.0.1.48"));
        host.AdvanceMs(2500);

        await host.AddressesOn(eni).UnassignAsync([], [Ip("10.0.1.32")]);

        AssertSeenAfter(host, instance, MetadataChangeKinds.Ipv4Prefixes, TimeSpan.FromMilliseconds(2500),
            () => Format(host.Shown(instance, eni)!.Prefixes).SequenceEqual(["10.0.1.48"]));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AssociateAddressAsync_ElasticIpsKindModel_ShowsAssociationAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.ElasticIps, "fixed(3s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10", "10.0.1.11");
        var eip = await host.AllocateAsync();

        await host.AssociateAsync(eip, eni, "10.0.1.11");

        AssertSeenAfter(host, instance, MetadataChangeKinds.ElasticIps, TimeSpan.FromSeconds(3),
            () => host.Shown(instance, eni)!.Associations.SequenceEqual([new ElasticAssociation(eip.PublicIp, Ip("10.0.1.11"))]));
        Assert.Equal(eip.PublicIp, host.Shown(instance, eni)!.PublicIpOf(Ip("10.0.1.11")));
        Assert.Equal(0u, host.Shown(instance, eni)!.PublicIpOf(Ip("10.0.1.10")));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task DisassociateAddressAsync_ElasticIpsKindModel_DropsAssociationAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.ElasticIps, "fixed(3s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var eip = await host.AllocateAsync();
        var association = await host.AssociateAsync(eip, eni, privateIp: null);
        host.AdvanceMs(3000);
        Assert.Single(host.Shown(instance, eni)!.Associations);

        await host.Region.DisassociateAddressAsync(association, null);

        AssertSeenAfter(host, instance, MetadataChangeKinds.ElasticIps, TimeSpan.FromSeconds(3),
            () => host.Shown(instance, eni)!.Associations.IsEmpty);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AssignAsync_ReassignAddressWithElasticIp_AssociationMovesWithAddressInBothViews()
    {
        var settings = Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(2s)")
            .WithKind(MetadataChangeKinds.ElasticIps, "fixed(3s)");
        await using var host = new MetadataHost(settings);
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10", "10.0.1.11");
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        var eip = await host.AllocateAsync();
        await host.AssociateAsync(eip, eniA, "10.0.1.11");
        host.AdvanceMs(3000);
        Assert.Equal(eip.PublicIp, host.Shown(a, eniA)!.PublicIpOf(Ip("10.0.1.11")));
        var start = host.Now;

        await host.AddressesOn(eniB).AssignAsync(Addresses(true, "10.0.1.11"));

        foreach (var instance in new[] { a, b })
        {
            Assert.Equal(start + TimeSpan.FromSeconds(2), host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).DueAt);
            Assert.Equal(start + TimeSpan.FromSeconds(3), host.LastEvent(instance, MetadataChangeKinds.ElasticIps).DueAt);
        }

        host.AdvanceMs(2000);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(a, eniA));
        Assert.Equal(["10.0.1.20", "10.0.1.11"], host.LocalIpv4s(b, eniB));
        Assert.Single(host.Shown(a, eniA)!.Associations);
        Assert.Empty(host.Shown(b, eniB)!.Associations.ToArray());

        host.AdvanceMs(1000);
        Assert.Empty(host.Shown(a, eniA)!.Associations);
        Assert.Equal([new ElasticAssociation(eip.PublicIp, Ip("10.0.1.11"))], host.Shown(b, eniB)!.Associations.ToArray());
        Assert.True(host.InSync(a));
        Assert.True(host.InSync(b));
    }

    [Fact]
    public async Task ModifyAsync_SecurityGroupsKindModel_ShowsGroupsAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.SecurityGroups, "fixed(3500ms)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        var db = await host.CreateSecurityGroupAsync(subnet.VpcId, "db");

        await host.SetGroupsAsync(eni, web.GroupId, db.GroupId);

        AssertSeenAfter(host, instance, MetadataChangeKinds.SecurityGroups, TimeSpan.FromMilliseconds(3500),
            () => host.Shown(instance, eni)!.SecurityGroupIds.SequenceEqual([web.GroupId, db.GroupId]));
        Assert.Equal(["web", "db"], host.Shown(instance, eni)!.SecurityGroupNames.ToArray());
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task ModifyAsync_DescriptionOnly_SchedulesNothing()
    {
        await using var host = new MetadataHost("fixed(1500ms)");
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.Interface(eni).ModifyAsync(new(Description: "changed", null, SourceDestCheck: false, null, null));

        Assert.Empty(host.Pending(instance));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task AttachAsync_InterfaceAttachedKindModel_ShowsInterfaceAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.InterfaceAttached, "fixed(4s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20", Addresses(false, "10.0.1.21"));

        await host.AttachAsync(instance, second, 1);

        AssertSeenAfter(host, instance, MetadataChangeKinds.InterfaceAttached, TimeSpan.FromSeconds(4),
            () => host.Shown(instance, second) is not null);
        var nic = host.Shown(instance, second)!;
        Assert.Equal(1, nic.DeviceNumber);
        Assert.Equal(second, nic.NetworkInterfaceId);
        Assert.Equal(["10.0.1.20", "10.0.1.21"], Format(nic.LocalIpv4s));
        Assert.Equal([eni, second], host.View(instance).Interfaces.Select(n => n.NetworkInterfaceId));
        Assert.Equal(second, host.LastEvent(instance, MetadataChangeKinds.InterfaceAttached).NetworkInterfaceId);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task DetachAsync_InterfaceDetachedKindModel_RemovesInterfaceAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.InterfaceAttached, "fixed(1s)")
            .WithKind(MetadataChangeKinds.InterfaceDetached, "fixed(5s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var attachment = await host.AttachAsync(instance, second, 1);
        host.AdvanceMs(1000);
        Assert.NotNull(host.Shown(instance, second));

        await host.Instance(instance).DetachAsync(attachment, force: false);

        Assert.Null(host.State.NetworkInterfaces[second].Attachment);
        AssertSeenAfter(host, instance, MetadataChangeKinds.InterfaceDetached, TimeSpan.FromSeconds(5),
            () => host.Shown(instance, second) is null);
        Assert.Single(host.View(instance).Interfaces);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task StopAsync_InstanceStoppedKindModel_ShowsStoppedAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)").WithKind(MetadataChangeKinds.InstanceStopped, "fixed(6s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.Instance(instance).StopAsync();

        AssertSeenAfter(host, instance, MetadataChangeKinds.InstanceStopped, TimeSpan.FromSeconds(6),
            () => host.View(instance).State == "stopped");
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.Single(host.Events(instance), e => e.Kind != MetadataChangeKinds.InstanceLaunched);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task StartAsync_InstanceStartedKindModel_ShowsRunningAfterKindDelay()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.InstanceStopped, "fixed(1s)")
            .WithKind(MetadataChangeKinds.InstanceStarted, "fixed(7s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.Instance(instance).StopAsync();
        host.AdvanceMs(1000);
        Assert.Equal("stopped", host.View(instance).State);

        await host.Instance(instance).StartAsync();

        AssertSeenAfter(host, instance, MetadataChangeKinds.InstanceStarted, TimeSpan.FromSeconds(7),
            () => host.View(instance).State == "running");
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task StartAsync_ChangesWhileStopped_StartShowsThemAll()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.InstanceStopped, "fixed(1s)")
            .WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(1s)")
            .WithKind(MetadataChangeKinds.InstanceStarted, "fixed(2s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        await host.Instance(instance).StopAsync();
        host.AdvanceMs(1000);
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        host.AdvanceMs(1000);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, eni));

        await host.Instance(instance).StartAsync();
        host.AdvanceMs(2000);

        Assert.Equal("running", host.View(instance).State);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, eni));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task TerminateAsync_InstanceTerminatedKindModel_OneTerminatedEventAndNoDetachEvents()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.InterfaceAttached, "fixed(1s)")
            .WithKind(MetadataChangeKinds.InstanceTerminated, "fixed(8s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var kept = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        await host.AttachAsync(instance, kept, 1);
        host.AdvanceMs(1000);
        var before = host.Events(instance).Count;

        await host.Instance(instance).TerminateAsync();

        var after = host.Events(instance).Skip(before).ToList();
        var terminated = Assert.Single(after);
        Assert.Equal(MetadataChangeKinds.InstanceTerminated, terminated.Kind);
        Assert.False(host.State.NetworkInterfaces.ContainsKey(eni));
        Assert.Equal("available", host.State.NetworkInterfaces[kept].Status);
        AssertSeenAfter(host, instance, MetadataChangeKinds.InstanceTerminated, TimeSpan.FromSeconds(8),
            () => host.View(instance).State == "terminated");
        Assert.Empty(host.View(instance).Interfaces);
        Assert.Null(host.View(instance).Primary);
        Assert.Empty(host.Events(instance, MetadataChangeKinds.InterfaceDetached));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task TerminateAsync_BeforeDelay_ViewStillShowsRunningWithInterfaces()
    {
        await using var host = new MetadataHost(Settings("fixed(8s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.Instance(instance).TerminateAsync();
        host.AdvanceMs(7999);

        Assert.Equal("running", host.View(instance).State);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        Assert.False(host.InSync(instance));
    }

    // Precedence: interface > instance > kind > default.

    [Fact]
    public void ModelFor_OnlyDefault_UsesDefault()
    {
        var settings = Settings("fixed(9s)");

        Assert.Equal("fixed(9s)", settings.ModelFor("i-1", "eni-1", MetadataChangeKinds.PrivateIpv4s).ToString());
    }

    [Fact]
    public async Task AssignAsync_KindAndDefault_KindWins()
    {
        await AssertAssignDelay((s, _, _) => s.WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(2s)"), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task AssignAsync_InstanceAndKind_InstanceWins()
    {
        await AssertAssignDelay(
            (s, instance, _) => s.WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(2s)").WithInstance(instance, "fixed(3s)"),
            TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task AssignAsync_InterfaceAndInstanceAndKind_InterfaceWins()
    {
        await AssertAssignDelay(
            (s, instance, eni) => s.WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(2s)").WithInstance(instance, "fixed(3s)").WithInterface(eni, "fixed(4s)"),
            TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task AssignAsync_OverrideForOtherInstanceAndInterface_DoesNotApply()
    {
        await AssertAssignDelay(
            (s, _, _) => s.WithKind(MetadataChangeKinds.SecurityGroups, "fixed(2s)").WithInstance("i-0000000000000000f", "fixed(3s)")
                .WithInterface("eni-0000000000000000f", "fixed(4s)"),
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StopAsync_InterfaceAndInstanceOverrides_InstanceLevelChangeUsesInstanceOverride()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)").WithKind(MetadataChangeKinds.InstanceStopped, "fixed(2s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.Configure(s => s.WithInstance(instance, "fixed(3s)").WithInterface(eni, "fixed(4s)"));

        await host.Instance(instance).StopAsync();

        AssertSeenAfter(host, instance, MetadataChangeKinds.InstanceStopped, TimeSpan.FromSeconds(3), () => host.View(instance).State == "stopped");
    }

    [Fact]
    public async Task Describe_InstanceOverride_ReportsTheInstancesModel()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var (other, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");

        host.Configure(s => s.WithInstance(instance, "uniform(1s,2s)"));

        Assert.Equal("uniform(1s,2s)", host.Propagation.Describe(instance)!.Model);
        Assert.Equal("fixed(10s)", host.Propagation.Describe(other)!.Model);
        Assert.Null(host.Propagation.Describe("i-00000000000000000"));
        Assert.Null(host.Propagation.Pending("i-00000000000000000"));
    }

    // Settings apply to changes made after they are set.

    [Fact]
    public async Task Settings_ChangedWhileChangeInFlight_InFlightChangeKeepsItsDueTime()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        var start = host.Now;
        await host.AddressesOn(eniA).AssignAsync(Addresses(false, "10.0.1.11"));

        host.Propagation.Settings = Settings("fixed(1s)");
        await host.AddressesOn(eniB).AssignAsync(Addresses(false, "10.0.1.21"));

        Assert.Equal(start + TimeSpan.FromSeconds(10), Assert.Single(host.Pending(a)).DueAt);
        Assert.Equal(start + TimeSpan.FromSeconds(1), Assert.Single(host.Pending(b)).DueAt);
        host.AdvanceMs(1000);
        Assert.Equal(["10.0.1.20", "10.0.1.21"], host.LocalIpv4s(b, eniB));
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(a, eniA));
        host.AdvanceMs(8999);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(a, eniA));
        host.AdvanceMs(1);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(a, eniA));
    }

    [Fact]
    public async Task Settings_FasterModelSetOnSameInstance_NewChangeWaitsBehindOlderOne()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        var start = host.Now;
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));

        host.Propagation.Settings = Settings("fixed(1s)");
        await host.SetGroupsAsync(eni, web.GroupId);

        var pending = host.Pending(instance);
        Assert.Equal(2, pending.Count);
        Assert.Equal(start + TimeSpan.FromSeconds(10), pending[0].DueAt);
        Assert.Equal(start + TimeSpan.FromSeconds(10), pending[1].DueAt);
        host.AdvanceMs(9999);
        Assert.Empty(host.Shown(instance, eni)!.SecurityGroupIds);
        host.AdvanceMs(1);
        Assert.Equal([web.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task Settings_OverrideAddedAfterChange_DoesNotRescheduleIt()
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var start = host.Now;
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));

        host.Configure(s => s.WithInstance(instance, "fixed(1s)").WithInterface(eni, "never"));
        host.AdvanceMs(9999);

        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
        host.AdvanceMs(1);
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, eni));
        Assert.Equal(start + TimeSpan.FromSeconds(10), host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).SeenAt);
    }

    [Fact]
    public void Settings_SetNull_Throws()
    {
        using var propagation = new MetadataPropagation(new RegionDirectory(), new HarnessOptions(), new VirtualTimeProvider());

        Assert.Throws<ArgumentNullException>(() => propagation.Settings = null!);
        Assert.Same(PropagationSettings.Default, propagation.Settings);
    }

    private static async Task AssertAssignDelay(Func<PropagationSettings, string, string, PropagationSettings> settings, TimeSpan expected, TimeSpan expectedForOther)
    {
        await using var host = new MetadataHost(Settings("fixed(10s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var (other, otherEni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        host.Configure(s => settings(s, instance, eni));

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        await host.AddressesOn(otherEni).AssignAsync(Addresses(false, "10.0.1.21"));

        Assert.Equal(host.Now + expected, host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).DueAt);
        Assert.Equal(host.Now + expectedForOther, host.LastEvent(other, MetadataChangeKinds.PrivateIpv4s).DueAt);
        AssertSeenAfter(host, instance, MetadataChangeKinds.PrivateIpv4s, expected,
            () => host.LocalIpv4s(instance, eni).SequenceEqual(["10.0.1.10", "10.0.1.11"]));
    }

    /// <summary>
    /// The newest change of <paramref name="kind"/> is due exactly <paramref name="delay"/> after it was made (and it is now
    /// the moment it was made): the view does not show it a millisecond before and shows it then.
    /// </summary>
    private static void AssertSeenAfter(MetadataHost host, string instance, string kind, TimeSpan delay, Func<bool> shown)
    {
        var entry = host.LastEvent(instance, kind);
        Assert.Equal(host.Now, entry.MadeAt);
        Assert.Equal(entry.MadeAt + delay, entry.DueAt);
        Assert.Equal("pending", entry.Status);
        Assert.False(shown(), $"{kind} shown at once");

        host.Advance(delay - Tick);
        Assert.False(shown(), $"{kind} shown before its delay of {delay}");
        Assert.Equal("pending", host.Refresh(entry).Status);

        host.Advance(Tick);
        Assert.True(shown(), $"{kind} not shown after its delay of {delay}");
        var seen = host.Refresh(entry);
        Assert.Equal("applied", seen.Status);
        Assert.Equal(entry.DueAt, seen.SeenAt);
    }
}
