using Harness.ControlPlane.Metadata;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

public sealed class MetadataPropagationOrderTests
{
    private const string Uniform = "uniform(0ms,10s)";

    [Fact]
    public async Task AssignAsync_ReassignToFasterInstance_WindowWhereBothShowTheAddress()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)"));
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10", "10.0.1.11");
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        host.Configure(s => s.WithInstance(a, "fixed(5s)").WithInstance(b, "fixed(1s)"));

        await host.AddressesOn(eniB).AssignAsync(Addresses(true, "10.0.1.11"));

        Assert.Equal(["10.0.1.10"], host.ControlPlaneIpv4s(eniA));
        Assert.Equal(["10.0.1.20", "10.0.1.11"], host.ControlPlaneIpv4s(eniB));
        host.AdvanceMs(999);
        Assert.Contains("10.0.1.11", host.LocalIpv4s(a, eniA));
        Assert.DoesNotContain("10.0.1.11", host.LocalIpv4s(b, eniB));
        host.AdvanceMs(1);
        Assert.Contains("10.0.1.11", host.LocalIpv4s(a, eniA));
        Assert.Contains("10.0.1.11", host.LocalIpv4s(b, eniB));
        host.AdvanceMs(3999);
        Assert.Contains("10.0.1.11", host.LocalIpv4s(a, eniA));
        Assert.Contains("10.0.1.11", host.LocalIpv4s(b, eniB));
        host.AdvanceMs(1);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(a, eniA));
        Assert.Equal(["10.0.1.20", "10.0.1.11"], host.LocalIpv4s(b, eniB));
        Assert.True(host.InSync(a));
        Assert.True(host.InSync(b));
    }

    [Fact]
    public async Task AssignAsync_ReassignToSlowerInstance_WindowWhereNeitherShowsTheAddress()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)"));
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10", "10.0.1.11");
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        host.Configure(s => s.WithInstance(a, "fixed(1s)").WithInstance(b, "fixed(5s)"));

        await host.AddressesOn(eniB).AssignAsync(Addresses(true, "10.0.1.11"));

        host.AdvanceMs(999);
        Assert.Contains("10.0.1.11", host.LocalIpv4s(a, eniA));
        host.AdvanceMs(1);
        Assert.DoesNotContain("10.0.1.11", host.LocalIpv4s(a, eniA));
        Assert.DoesNotContain("10.0.1.11", host.LocalIpv4s(b, eniB));
        host.AdvanceMs(3999);
        Assert.DoesNotContain("10.0.1.11", host.LocalIpv4s(a, eniA));
        Assert.DoesNotContain("10.0.1.11", host.LocalIpv4s(b, eniB));
        host.AdvanceMs(1);
        Assert.Equal(["10.0.1.10"], host.LocalIpv4s(a, eniA));
        Assert.Equal(["10.0.1.20", "10.0.1.11"], host.LocalIpv4s(b, eniB));
        Assert.True(host.InSync(a));
        Assert.True(host.InSync(b));
    }

    [Theory]
    [MemberData(nameof(Seeds), 40)]
    public async Task SuccessiveChanges_UniformDelays_SeenInTheOrderMade(int seed)
    {
        await using var host = new MetadataHost(Settings(Uniform), seed);
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        host.AdvanceMs(seed * 37 % 500);
        await host.SetGroupsAsync(eni, web.GroupId);
        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.12"));
        await host.SetGroupsAsync(eni);

        var changes = host.Events(instance).Skip(1).ToList();
        Assert.Equal(4, changes.Count);
        for (var i = 1; i < changes.Count; i++)
        {
            Assert.True(changes[i].DueAt >= changes[i - 1].DueAt, $"seed {seed}: change {i} due before change {i - 1}");
        }

        // Step through: the view only ever shows a prefix of the changes, in order.
        var shownSoFar = ShownChanges(host.Shown(instance, eni)!, web.GroupId);
        for (var step = 0; step < 130 && shownSoFar < 4; step++)
        {
            host.AdvanceMs(100);
            var view = host.Shown(instance, eni)!;
            var shown = ShownChanges(view, web.GroupId);
            Assert.True(shown >= shownSoFar, $"seed {seed}: view went back from {shownSoFar} to {shown} changes");
            shownSoFar = shown;
        }

        Assert.Equal(4, shownSoFar);
        var seen = host.Events(instance).Skip(1).ToList();
        Assert.All(seen, e => Assert.Equal("applied", e.Status));
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].SeenAt >= seen[i - 1].SeenAt, $"seed {seed}: change {i} seen before change {i - 1}");
        }

        Assert.True(host.InSync(instance));
    }

    [Theory]
    [MemberData(nameof(Seeds), 40)]
    public async Task SuccessiveChanges_UniformDelaysManyKinds_DueTimesNonDecreasing(int seed)
    {
        await using var host = new MetadataHost(Settings(Uniform), seed);
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var eip = await host.AllocateAsync();

        await host.AddressesOn(eni).AssignAsync(Count(2));
        await host.AttachAsync(instance, second, 1);
        host.AdvanceMs(1234);
        await host.AssociateAsync(eip, second, privateIp: null);
        await host.AddressesOn(eni).AssignAsync(Prefixes("10.0.1.48"));
        await host.Instance(instance).StopAsync();
        await host.Instance(instance).StartAsync();

        var changes = host.Events(instance).Skip(1).ToList();
        Assert.Equal(6, changes.Count);
        for (var i = 1; i < changes.Count; i++)
        {
            Assert.True(changes[i].DueAt >= changes[i - 1].DueAt, $"seed {seed}: {changes[i].Kind} due before {changes[i - 1].Kind}");
        }

        host.Advance(TimeSpan.FromSeconds(11));
        var seen = host.Events(instance).Skip(1).ToList();
        Assert.All(seen, e => Assert.Equal("applied", e.Status));
        Assert.Equal(seen.OrderBy(e => e.Sequence).Select(e => e.Sequence), seen.OrderBy(e => e.SeenAt).ThenBy(e => e.Sequence).Select(e => e.Sequence));
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task SuccessiveChanges_Reorder_SomeSeedSeesNewerFirstAndConverges()
    {
        var found = false;
        for (var seed = 1; seed <= 100 && !found; seed++)
        {
            await using var host = new MetadataHost(Settings(Uniform) with { Reorder = true }, seed);
            var subnet = await host.CreateSubnetAsync();
            var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
            var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");

            await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
            await host.SetGroupsAsync(eni, web.GroupId);

            var (older, newer) = (host.Pending(instance)[0], host.Pending(instance)[1]);
            if (!(newer.DueAt + TimeSpan.FromMilliseconds(2) < older.DueAt))
            {
                continue;
            }

            found = true;
            host.Time.SetUtcNow(newer.DueAt!.Value + TimeSpan.FromMilliseconds(1));

            // The newer change (groups) is shown, the older (address) is not yet.
            Assert.Equal([web.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
            Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eni));
            Assert.Equal("applied", host.Refresh(newer).Status);
            Assert.Equal("pending", host.Refresh(older).Status);
            Assert.False(host.InSync(instance));

            host.Time.SetUtcNow(older.DueAt!.Value + TimeSpan.FromMilliseconds(1));
            Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, eni));
            Assert.Equal([web.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
            Assert.Equal("applied", host.Refresh(older).Status);
            Assert.True(host.Refresh(older).SeenAt > host.Refresh(newer).SeenAt);
            Assert.True(host.InSync(instance));
        }

        Assert.True(found, "no seed in 1..100 drew the newer change earlier");
    }

    [Fact]
    public async Task SuccessiveChanges_ReorderSamePart_OlderArrivingLastIsSuperseded()
    {
        var found = false;
        for (var seed = 1; seed <= 100 && !found; seed++)
        {
            await using var host = new MetadataHost(Settings(Uniform) with { Reorder = true }, seed);
            var subnet = await host.CreateSubnetAsync();
            var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

            await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
            await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.12"));

            var (older, newer) = (host.Pending(instance)[0], host.Pending(instance)[1]);
            if (!(newer.DueAt + TimeSpan.FromMilliseconds(2) < older.DueAt))
            {
                continue;
            }

            found = true;
            host.Time.SetUtcNow(newer.DueAt!.Value + TimeSpan.FromMilliseconds(1));
            Assert.Equal(["10.0.1.10", "10.0.1.11", "10.0.1.12"], host.LocalIpv4s(instance, eni));
            Assert.True(host.InSync(instance));
            Assert.Single(host.Pending(instance));

            host.Time.SetUtcNow(older.DueAt!.Value + TimeSpan.FromMilliseconds(1));

            // Applying the older change would have taken .12 away again.
            Assert.Equal(["10.0.1.10", "10.0.1.11", "10.0.1.12"], host.LocalIpv4s(instance, eni));
            var superseded = host.Refresh(older);
            Assert.Equal("superseded", superseded.Status);
            Assert.Null(superseded.SeenAt);
            Assert.Equal("applied", host.Refresh(newer).Status);
            Assert.Empty(host.Pending(instance));
            Assert.True(host.InSync(instance));
        }

        Assert.True(found, "no seed in 1..100 drew the newer change earlier");
    }

    [Fact]
    public async Task SuccessiveChanges_ReorderPartChangeInsertsAbsentInterfaceWhole_OlderChangesOfOtherPartsArrivingLaterAreSuperseded()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)") with { Reorder = true });
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        var db = await host.CreateSecurityGroupAsync(subnet.VpcId, "db");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var start = host.Now;

        // Made in this order, due in the reverse: attach at 60s, groups [web] at 10s, groups [db] at 20s, an address at 1s.
        await host.AttachAsync(instance, second, 1);
        host.Configure(s => s.WithKind(MetadataChangeKinds.SecurityGroups, "fixed(10s)"));
        await host.SetGroupsAsync(second, web.GroupId);
        host.Configure(s => s.WithKind(MetadataChangeKinds.SecurityGroups, "fixed(20s)"));
        await host.SetGroupsAsync(second, db.GroupId);
        host.Configure(s => s.WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(1s)"));
        await host.AddressesOn(second).AssignAsync(Addresses(false, "10.0.1.21"));

        var pending = host.Pending(instance);
        Assert.Equal(
            [MetadataChangeKinds.InterfaceAttached, MetadataChangeKinds.SecurityGroups, MetadataChangeKinds.SecurityGroups, MetadataChangeKinds.PrivateIpv4s],
            pending.Select(e => e.Kind));
        Assert.Equal([60, 10, 20, 1], pending.Select(e => (int)(e.DueAt!.Value - start).TotalSeconds));

        host.AdvanceMs(999);
        Assert.Null(host.Shown(instance, second));
        host.AdvanceMs(1);

        // The address change found the interface absent and brought it whole, groups [db] included.
        AssertShowsLatest();
        Assert.True(host.InSync(instance));

        for (var tick = 1; tick <= 70; tick++)
        {
            host.Advance(TimeSpan.FromSeconds(1));
            AssertShowsLatest();
        }

        var statuses = pending.Select(e => host.Refresh(e).Status).ToList();
        Assert.Equal([ChangeStatus.Superseded, ChangeStatus.Superseded, ChangeStatus.Superseded, ChangeStatus.Applied], statuses);
        Assert.Empty(host.Pending(instance));
        Assert.True(host.InSync(instance));

        void AssertShowsLatest()
        {
            var nic = host.Shown(instance, second);
            Assert.NotNull(nic);
            Assert.Equal(1, nic.DeviceNumber);
            Assert.Equal(["10.0.1.20", "10.0.1.21"], Format(nic.LocalIpv4s));
            Assert.True(nic.SecurityGroupIds.SequenceEqual([db.GroupId]),
                $"at {host.Now - start}: groups went back to {string.Join(',', nic.SecurityGroupIds)}");
            Assert.Equal(["db"], nic.SecurityGroupNames.ToArray());
            Assert.Equal([eni, second], host.View(instance).Interfaces.Select(n => n.NetworkInterfaceId));
        }
    }

    [Fact]
    public async Task SuccessiveChanges_ReorderDetachThenOlderAddressChange_InterfaceStaysGone()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)") with { Reorder = true });
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20");
        var attachment = await host.AttachAsync(instance, second, 1);
        host.Advance(TimeSpan.FromSeconds(60));
        host.Configure(s => s.WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(5s)").WithKind(MetadataChangeKinds.InterfaceDetached, "fixed(1s)"));

        await host.AddressesOn(second).AssignAsync(Addresses(false, "10.0.1.21"));
        await host.Instance(instance).DetachAsync(attachment, force: false);
        host.AdvanceMs(1000);
        Assert.Null(host.Shown(instance, second));
        host.AdvanceMs(4000);

        Assert.Null(host.Shown(instance, second));
        Assert.Equal("superseded", host.LastEvent(instance, MetadataChangeKinds.PrivateIpv4s).Status);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task SuccessiveChanges_ReorderStopThenStart_StopArrivingLastIsSuperseded()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.InstanceStopped, "fixed(5s)")
            .WithKind(MetadataChangeKinds.InstanceStarted, "fixed(1s)") with
        { Reorder = true });
        var subnet = await host.CreateSubnetAsync();
        var (instance, _) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");

        await host.Instance(instance).StopAsync();
        await host.Instance(instance).StartAsync();
        host.AdvanceMs(5000);

        Assert.Equal("running", host.View(instance).State);
        Assert.Equal("superseded", host.LastEvent(instance, MetadataChangeKinds.InstanceStopped).Status);
        Assert.Equal("applied", host.LastEvent(instance, MetadataChangeKinds.InstanceStarted).Status);
        Assert.True(host.InSync(instance));
    }

    [Fact]
    public async Task SuccessiveChanges_NoReorderFastAfterSlow_FastWaitsForSlow()
    {
        await using var host = new MetadataHost(Settings("fixed(60s)")
            .WithKind(MetadataChangeKinds.PrivateIpv4s, "fixed(5s)")
            .WithKind(MetadataChangeKinds.SecurityGroups, "fixed(1s)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");
        var start = host.Now;

        await host.AddressesOn(eni).AssignAsync(Addresses(false, "10.0.1.11"));
        await host.SetGroupsAsync(eni, web.GroupId);
        host.AdvanceMs(4999);

        Assert.Empty(host.Shown(instance, eni)!.SecurityGroupIds);
        Assert.Equal(start + TimeSpan.FromSeconds(5), host.LastEvent(instance, MetadataChangeKinds.SecurityGroups).DueAt);
        host.AdvanceMs(1);
        Assert.Equal([web.GroupId], host.Shown(instance, eni)!.SecurityGroupIds.ToArray());
        Assert.Equal(["10.0.1.10", "10.0.1.11"], host.LocalIpv4s(instance, eni));
    }

    public static TheoryData<int> Seeds(int count)
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= count; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    /// <summary>How many of the four changes of the in-order test the view shows, assuming they arrive as a prefix.</summary>
    private static int ShownChanges(InterfaceMetadata view, string groupId)
    {
        var addresses = Format(view.LocalIpv4s);
        var hasGroup = view.SecurityGroupIds.Contains(groupId);
        return (addresses.Length, hasGroup) switch
        {
            (1, false) => 0,
            (2, false) => 1,
            (2, true) => 2,
            (3, true) => 3,
            (3, false) => 4,
            _ => throw new Xunit.Sdk.XunitException($"Out of order: addresses {string.Join(',', addresses)}, group {hasGroup}"),
        };
    }
}
