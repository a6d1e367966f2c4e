using Harness.ControlPlane.Metadata;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

/// <summary>The bounded timeline: what it keeps, what it counts as dropped, and polling it by sequence, limit and instance.</summary>
public sealed class MetadataPropagationTimelineTests
{
    private const int Capacity = 10;

    // Two launches (sequences 1 and 2), then 25 address changes alternating a, b, a, … (sequences 3 to 27): 27 entries,
    // of which the ring keeps the last 10 (18 to 27) and drops 17. Odd sequences from 3 on are a's, even ones b's.
    private const long Last = 27;
    private const long FirstKept = 18;
    private const long Dropped = 17;

    [Fact]
    public async Task Timeline_CapacityTenAfter25ChangesAndTwoLaunches_KeepsTheLastTenInOrderAndCountsTheRestDropped()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"), timelineCapacity: Capacity);
        var (a, b) = await MakeChangesAsync(host);

        var page = host.Propagation.Timeline(null, 0, 100);

        Assert.Equal(Range(FirstKept, Last), page.Events.Select(e => e.Sequence));
        Assert.Equal(Dropped, page.Dropped);
        Assert.Equal(Last, page.LastSequence);
        Assert.All(page.Events, e => Assert.Equal(MetadataChangeKinds.PrivateIpv4s, e.Kind));
        Assert.All(page.Events, e => Assert.Equal(e.Sequence % 2 == 1 ? a : b, e.InstanceId));
        Assert.Equal(page.Events.OrderBy(e => e.MadeAt).ThenBy(e => e.Sequence), page.Events);
    }

    [Fact]
    public async Task Timeline_BelowCapacity_DropsNothing_OneOverDropsTheOldest()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"), timelineCapacity: Capacity);
        var subnet = await host.CreateSubnetAsync();
        var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        for (var i = 0; i < Capacity - 1; i++)
        {
            await ToggleAsync(host, eni, "10.0.1.11", i);
        }

        var full = host.Propagation.Timeline(null, 0, 100);
        await ToggleAsync(host, eni, "10.0.1.11", Capacity - 1);
        var over = host.Propagation.Timeline(instance, 0, 100);

        Assert.Equal(Range(1, Capacity), full.Events.Select(e => e.Sequence));
        Assert.Equal(MetadataChangeKinds.InstanceLaunched, full.Events[0].Kind);
        Assert.Equal(0, full.Dropped);
        Assert.Equal(Range(2, Capacity + 1), over.Events.Select(e => e.Sequence));
        Assert.Equal(1, over.Dropped);
        Assert.Equal(Capacity + 1, over.LastSequence);
    }

    [Fact]
    public async Task Timeline_After_ReturnsOnlyLaterSequencesForEveryCutIncludingOnesThatFellOut()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"), timelineCapacity: Capacity);
        await MakeChangesAsync(host);

        for (var after = -1L; after <= Last + 2; after++)
        {
            var page = host.Propagation.Timeline(null, after, 100);

            Assert.Equal(Range(Math.Max(after + 1, FirstKept), Last), page.Events.Select(e => e.Sequence));
            Assert.Equal(Dropped, page.Dropped);
            Assert.Equal(Last, page.LastSequence);
        }
    }

    [Fact]
    public async Task Timeline_Limit_TakesTheOldestOfWhatFollowsTheCut()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"), timelineCapacity: Capacity);
        await MakeChangesAsync(host);

        Assert.Equal([18L, 19, 20], host.Propagation.Timeline(null, 0, 3).Events.Select(e => e.Sequence));
        Assert.Equal([21L, 22], host.Propagation.Timeline(null, 20, 2).Events.Select(e => e.Sequence));
        Assert.Equal([27L], host.Propagation.Timeline(null, 26, 5).Events.Select(e => e.Sequence));
        Assert.Empty(host.Propagation.Timeline(null, 0, 0).Events);
        for (var limit = 1; limit <= Capacity + 2; limit++)
        {
            for (var after = 0L; after <= Last; after++)
            {
                var expected = Range(Math.Max(after + 1, FirstKept), Last).Take(limit);
                Assert.Equal(expected, host.Propagation.Timeline(null, after, limit).Events.Select(e => e.Sequence));
            }
        }
    }

    [Fact]
    public async Task Timeline_PolledWithLastSeenSequence_ReadsEveryKeptEntryOnceInOrder()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"), timelineCapacity: Capacity);
        await MakeChangesAsync(host);
        var read = new List<long>();
        var after = 0L;

        for (var poll = 0; poll < 10; poll++)
        {
            var page = host.Propagation.Timeline(null, after, 3);
            read.AddRange(page.Events.Select(e => e.Sequence));
            after = page.Events.Count > 0 ? page.Events[^1].Sequence : after;
        }

        Assert.Equal(Range(FirstKept, Last), read);
    }

    [Fact]
    public async Task Timeline_InstanceFilter_ReturnsThatInstancesKeptEntriesOnly()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"), timelineCapacity: Capacity);
        var (a, b) = await MakeChangesAsync(host);

        var ofA = host.Propagation.Timeline(a, 0, 100);
        var ofB = host.Propagation.Timeline(b, 0, 100);

        Assert.Equal([19L, 21, 23, 25, 27], ofA.Events.Select(e => e.Sequence));
        Assert.All(ofA.Events, e => Assert.Equal(a, e.InstanceId));
        Assert.Equal([18L, 20, 22, 24, 26], ofB.Events.Select(e => e.Sequence));
        Assert.All(ofB.Events, e => Assert.Equal(b, e.InstanceId));
        Assert.Equal([23L, 25], host.Propagation.Timeline(a, 21, 2).Events.Select(e => e.Sequence));
        Assert.Equal([20L], host.Propagation.Timeline(b, 18, 1).Events.Select(e => e.Sequence));
        var none = host.Propagation.Timeline("i-00000000000000000", 0, 100);
        Assert.Empty(none.Events);
        Assert.Equal(Dropped, none.Dropped);
        Assert.Equal(Last, none.LastSequence);
        Assert.Equal(Dropped, ofA.Dropped);
    }

    /// <summary>Launches a and b, then makes 25 address changes alternating a, b, a, …; see the constants.</summary>
    private static async Task<(string A, string B)> MakeChangesAsync(MetadataHost host)
    {
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        for (var i = 0; i < 25; i++)
        {
            await ToggleAsync(host, i % 2 == 0 ? eniA : eniB, i % 2 == 0 ? "10.0.1.11" : "10.0.1.21", i / 2);
            host.AdvanceMs(1);
        }

        var page = host.Propagation.Timeline(null, 0, 100);
        Assert.Equal(Last, page.LastSequence);
        return (a, b);
    }

    /// <summary>One address change: the <paramref name="n"/>th toggle assigns on even n, unassigns on odd.</summary>
    private static async Task ToggleAsync(MetadataHost host, string eni, string address, int n)
    {
        if (n % 2 == 0)
        {
            await host.AddressesOn(eni).AssignAsync(Addresses(false, address));
        }
        else
        {
            await host.AddressesOn(eni).UnassignAsync([Ip(address)], []);
        }
    }

    private static IEnumerable<long> Range(long first, long last) => first > last ? [] : Enumerable.Range((int)first, (int)(last - first + 1)).Select(n => (long)n);
}
