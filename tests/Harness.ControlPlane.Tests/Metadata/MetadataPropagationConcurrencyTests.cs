using Harness.Runtime;
using System.Collections.Concurrent;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

/// <summary>
/// Grain operations and settings updates from several real threads at once (released together by a barrier, no sleeps),
/// on fake time: the clock moves only between the concurrent bursts.
/// </summary>
public sealed class MetadataPropagationConcurrencyTests
{
    private const string LogNormal = "lognormal(median=2s,p99=20s)";

    public static TheoryData<int> ConcurrencySeeds { get; } = [.. Enumerable.Range(1, 10)];

    [Fact]
    public async Task DetachAsync_ForcedWhileEth0AddressesChurnConcurrently_EveryRoundStaysStale()
    {
        await using var host = new MetadataHost(Settings("fixed(1500ms)"));
        var subnet = await host.CreateSubnetAsync();
        var (instance, eth0) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        var second = await host.CreateInterfaceAsync(subnet, "10.0.1.20");

        for (var round = 0; round < 200; round++)
        {
            var attachment = await host.AttachAsync(instance, second, 1);
            host.Advance(TimeSpan.FromMinutes(1));
            Assert.NotNull(host.Shown(instance, second));
            Assert.True(host.InSync(instance), $"round {round}: not in sync after the re-attach");

            // One thread detaches by force while the other re-projects the same instance through eth0's address changes:
            // whichever re-projection first sees the interface gone must mark it stale.
            await RunTogetherAsync(
                () => host.Instance(instance).DetachAsync(attachment, force: true),
                async () =>
                {
                    for (var i = 0; i < 4; i++)
                    {
                        await host.AddressesOn(eth0).AssignAsync(Addresses(false, "10.0.1.11"));
                        await host.AddressesOn(eth0).UnassignAsync([Ip("10.0.1.11")], []);
                    }
                });

            var detaches = host.Events(instance, MetadataChangeKinds.InterfaceDetached);
            Assert.Equal(round + 1, detaches.Count);
            var entry = detaches[^1];
            Assert.True(entry.Status == ChangeStatus.Stale, $"round {round}: the forced detach is {entry.Status}, not stale");
            Assert.Equal(second, entry.NetworkInterfaceId);
            Assert.Null(entry.DueAt);

            host.Advance(TimeSpan.FromDays(1));

            Assert.True(host.Shown(instance, second) is not null, $"round {round}: the force-detached interface left the view");
            Assert.Equal(ChangeStatus.Stale, host.Refresh(entry).Status);
            Assert.Equal(["10.0.1.10"], host.LocalIpv4s(instance, eth0));
            Assert.Empty(host.Pending(instance));
        }
    }

    [Theory]
    [MemberData(nameof(ConcurrencySeeds))]
    public Task ConcurrentOperations_FourTasksOnThreeInstances_EveryViewConverges(int seed) => AssertConvergesAsync(seed, reorder: false);

    [Theory]
    [MemberData(nameof(ConcurrencySeeds))]
    public Task ConcurrentOperations_FourTasksOnThreeInstancesReordered_EveryViewConverges(int seed) => AssertConvergesAsync(seed, reorder: true);

    [Fact]
    public async Task UpdateSettings_SixteenConcurrentOverrides_NoneLost()
    {
        var start = Settings("fixed(1s)");
        using var propagation = new MetadataPropagation(new RegionDirectory(), new HarnessOptions { Propagation = start }, new VirtualTimeProvider());
        var kinds = MetadataChangeKinds.All;
        var instances = Enumerable.Range(1, 7).Select(i => $"i-{i:x17}").ToList();

        for (var round = 0; round < 50; round++)
        {
            propagation.Settings = start;
            var updates = kinds
                .Select((kind, i) => (Func<Task>)(() => Update(s => s.WithKind(kind, $"fixed({i + 2}s)"))))
                .Concat(instances.Select((id, i) => (Func<Task>)(() => Update(s => s.WithInstance(id, $"fixed({i + 20}s)")))))
                .ToArray();
            Assert.Equal(16, updates.Length);

            await RunTogetherAsync(updates);

            var settings = propagation.Settings;
            Assert.Equal("fixed(1s)", settings.Imds.ToString());
            Assert.Equal(kinds.Select((kind, i) => $"{kind}=fixed({i + 2}s)").Order(StringComparer.Ordinal),
                settings.Kinds.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
            Assert.Equal(instances.Select((id, i) => $"{id}=fixed({i + 20}s)").Order(StringComparer.Ordinal),
                settings.Instances.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
            Assert.Empty(settings.Interfaces);
        }

        Task Update(Func<PropagationSettings, PropagationSettings> change)
        {
            propagation.UpdateSettings(change);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Runs each action on a thread of its own, all released at once by a barrier, and waits for every one. Grain calls
    /// that complete synchronously run on that thread, so the actions really overlap.
    /// </summary>
    internal static async Task RunTogetherAsync(params Func<Task>[] actions)
    {
        using var barrier = new Barrier(actions.Length);
        var tasks = actions
            .Select(action => Task.Factory.StartNew(
                () =>
                {
                    barrier.SignalAndWait();
                    return action();
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap())
            .ToArray();
        await Task.WhenAll(tasks);
    }

    private static async Task AssertConvergesAsync(int seed, bool reorder)
    {
        await using var host = new MetadataHost(Settings(LogNormal) with { Reorder = reorder }, seed);
        var subnet = await host.CreateSubnetAsync();
        var instances = new List<string>();
        var nics = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (instance, eni) = await host.LaunchWithInterfaceAsync(subnet, $"10.0.1.{10 + i}");
            instances.Add(instance);
            nics.Add(eni);
        }

        var eips = new List<AddressView>();
        for (var i = 0; i < 3; i++)
        {
            eips.Add(await host.AllocateAsync());
        }

        var pool = Enumerable.Range(100, 12).Select(n => $"10.0.1.{n}").ToList();
        var log = new ConcurrentQueue<string>();
        var clock = new Random(seed);
        for (var burst = 0; burst < 5; burst++)
        {
            var workers = Enumerable.Range(0, 4)
                .Select(worker => (Func<Task>)(() => OperateAsync(host, new Random((seed * 1000) + (burst * 10) + worker), worker, nics, eips, pool, log)))
                .ToArray();
            await RunTogetherAsync(workers);

            var wait = clock.Next(0, 5000);
            host.AdvanceMs(wait);
            log.Enqueue($"+{wait}ms");
        }

        var pending = instances.SelectMany(host.Pending).ToList();
        Assert.All(pending, e => Assert.NotNull(e.DueAt));
        if (pending.Count > 0)
        {
            // Timers fire on whole milliseconds, rounded up.
            host.Time.SetUtcNow(pending.Max(e => e.DueAt!.Value) + TimeSpan.FromMilliseconds(1));
        }

        var trace = $"seed {seed}, reorder {reorder}: {string.Join("; ", log.TakeLast(120))}";
        for (var i = 0; i < instances.Count; i++)
        {
            Assert.True(host.InSync(instances[i]), $"{instances[i]} not in sync. {trace}");
            Assert.Empty(host.Pending(instances[i]));
            Assert.True(
                host.ControlPlaneIpv4s(nics[i]).SequenceEqual(host.LocalIpv4s(instances[i], nics[i])),
                $"{instances[i]}: control plane {string.Join(',', host.ControlPlaneIpv4s(nics[i]))}, shown {string.Join(',', host.LocalIpv4s(instances[i], nics[i]))}. {trace}");
            Assert.True(host.State.TryGetInterface(nics[i], out _, out var addresses));
            var bound = addresses.Bindings.Select(b => new ElasticAssociation(b.Value.PublicIp, b.Key)).OrderBy(a => a.PrivateIp);
            Assert.Equal(bound, host.Shown(instances[i], nics[i])!.Associations.OrderBy(a => a.PrivateIp));
        }
    }

    /// <summary>25 random operations on the shared instances; a conflict with another worker is an EC2 error, and is fine.</summary>
    private static async Task OperateAsync(
        MetadataHost host, Random random, int worker, List<string> nics, List<AddressView> eips, List<string> pool, ConcurrentQueue<string> log)
    {
        for (var step = 0; step < 25; step++)
        {
            var op = random.Next(5);
            try
            {
                log.Enqueue($"w{worker}: {await OperationAsync(host, random, op, nics, eips, pool)}");
            }
            catch (Ec2Exception error)
            {
                log.Enqueue($"w{worker}: op {op} failed: {error.Code}");
            }
        }
    }

    private static async Task<string> OperationAsync(
        MetadataHost host, Random random, int op, List<string> nics, List<AddressView> eips, List<string> pool)
    {
        switch (op)
        {
            case 0:
            case 1:
                {
                    // AllowReassignment: the address moves from whichever instance holds it.
                    var nic = Pick(random, nics);
                    var address = Pick(random, pool);
                    await host.AddressesOn(nic).AssignAsync(Addresses(true, address));
                    return $"assign {address} to {nic}";
                }

            case 2:
                {
                    var nic = Pick(random, nics);
                    var secondaries = host.ControlPlaneIpv4s(nic).Skip(1).ToList();
                    if (secondaries.Count == 0)
                    {
                        return $"{nic} has no secondary";
                    }

                    var address = Pick(random, secondaries);
                    await host.AddressesOn(nic).UnassignAsync([Ip(address)], []);
                    return $"unassign {address} from {nic}";
                }

            case 3:
                {
                    var eip = Pick(random, eips);
                    var nic = Pick(random, nics);
                    var address = Pick(random, host.ControlPlaneIpv4s(nic));
                    await host.AssociateAsync(eip, nic, address, allowReassociation: true);
                    return $"associate {eip.AllocationId} with {address} on {nic}";
                }

            default:
                {
                    var eip = Pick(random, eips);
                    await host.Region.DisassociateAddressAsync(null, eip.PublicIp);
                    return $"disassociate {eip.AllocationId}";
                }
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
