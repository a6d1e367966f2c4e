using System.Diagnostics;
using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.RealTime;

/// <summary>
/// End to end on the system clock with fixed(1500ms), polled the way clients poll (every 100 ms). Bounds are
/// generous: these check that the real timer drives propagation, not its precision.
/// </summary>
[Trait("Category", "RealTime")]
public sealed class RealTimePropagationTests(RealClockHarness harness) : IClassFixture<RealClockHarness>, IAsyncLifetime
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    public Task InitializeAsync() => harness.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AssignedAddress_IsInDescribeAtOnce_AbsentFromLocalIpv4sAtFirst_PresentWithin1200msTo5s()
    {
        var instance = await Topology.LaunchAsync(harness, await Topology.NetworkAsync(harness));
        var eth0 = instance.Eth0;

        var clock = Stopwatch.StartNew();
        await Topology.AssignAsync(harness, eth0.NetworkInterfaceId, "10.0.1.50");
        var described = await Topology.DescribedAddressesAsync(harness, eth0.NetworkInterfaceId);
        var atOnce = await LocalIpv4sAsync(instance, eth0);
        var readAt = clock.Elapsed;
        var seenAt = await PollAsync(clock, async () => (await LocalIpv4sAsync(instance, eth0)).Contains("10.0.1.50"));

        Assert.Contains("10.0.1.50", described);
        Assert.True(readAt < TimeSpan.FromSeconds(1), $"the first read took until {readAt}");
        Assert.DoesNotContain("10.0.1.50", atOnce);
        Assert.True(seenAt is not null, $"10.0.1.50 did not reach local-ipv4s within {Within}");
        Assert.True(seenAt >= TimeSpan.FromMilliseconds(1200), $"10.0.1.50 reached local-ipv4s after only {seenAt}");
    }

    [Fact]
    public async Task AllowReassignmentMove_ConvergesOnBothInstancesWithin5s()
    {
        var network = await Topology.NetworkAsync(harness);
        var from = await Topology.LaunchAsync(harness, network);
        var to = await Topology.LaunchAsync(harness, network);
        await Topology.AssignAsync(harness, from.Eth0.NetworkInterfaceId, "10.0.1.50");
        Assert.NotNull(await PollAsync(Stopwatch.StartNew(), async () => (await LocalIpv4sAsync(from, from.Eth0)).Contains("10.0.1.50")));

        var clock = Stopwatch.StartNew();
        await Topology.AssignAsync(harness, to.Eth0.NetworkInterfaceId, "10.0.1.50", allowReassignment: true);
        var converged = await PollAsync(clock, async () =>
            !(await LocalIpv4sAsync(from, from.Eth0)).Contains("10.0.1.50") && (await LocalIpv4sAsync(to, to.Eth0)).Contains("10.0.1.50"));

        Assert.True(converged is not null, $"the move did not converge on both instances within {Within}");
        Assert.Equal([from.Eth0.PrivateIp], await LocalIpv4sAsync(from, from.Eth0));
        Assert.Equal([to.Eth0.PrivateIp, "10.0.1.50"], await LocalIpv4sAsync(to, to.Eth0));
    }

    [Fact]
    public async Task ElasticIp_AppearsInPublicIpv4sWithin5s()
    {
        var instance = await Topology.LaunchAsync(harness, await Topology.NetworkAsync(harness));
        var eth0 = instance.Eth0;
        var path = $"/latest/meta-data/network/interfaces/macs/{eth0.Mac}/public-ipv4s";

        var clock = Stopwatch.StartNew();
        var publicIp = await Topology.AssociateElasticIpAsync(harness, eth0.NetworkInterfaceId, eth0.PrivateIp);
        var atOnce = await harness.GetImdsAsync(instance.Address, path);
        var seenAt = await PollAsync(clock, async () => (await harness.GetImdsAsync(instance.Address, path)).Body == publicIp);

        Assert.Equal(HttpStatusCode.NotFound, atOnce.Status);
        Assert.True(seenAt is not null, $"{publicIp} did not reach public-ipv4s within {Within}");
        Assert.Equal(publicIp, await harness.MetadataAsync(instance.Address, "public-ipv4"));
    }

    /// <summary>Polls every 100 ms until <paramref name="condition"/> holds; the time it first held, or null after 5 s.</summary>
    private static async Task<TimeSpan?> PollAsync(Stopwatch clock, Func<Task<bool>> condition)
    {
        while (clock.Elapsed < Within)
        {
            var at = clock.Elapsed;
            if (await condition())
            {
                return at;
            }

            await Task.Delay(PollEvery);
        }

        return null;
    }

    private async Task<string[]> LocalIpv4sAsync(Instance instance, Nic nic) =>
        (await harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{nic.Mac}/local-ipv4s")).Split('\n');
}
