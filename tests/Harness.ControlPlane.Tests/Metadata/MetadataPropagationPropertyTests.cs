using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Errors;
using static Harness.ControlPlane.Tests.ControlPlaneHost;
using static Harness.ControlPlane.Tests.Metadata.MetadataHost;

namespace Harness.ControlPlane.Tests.Metadata;

/// <summary>Invariants 3 (views converge) and 4 (a seed replays the same timeline).</summary>
public sealed class MetadataPropagationPropertyTests
{
    private const string LogNormal = "lognormal(median=2s,p99=20s)";

    public static TheoryData<int> ConvergenceSeeds { get; } = [.. Enumerable.Range(1, 50)];

    [Fact]
    public async Task Timeline_SameSeedSameOperations_IdenticalEventForEvent()
    {
        var first = await RunScenarioAsync(seed: 7, LogNormal);
        var second = await RunScenarioAsync(seed: 7, LogNormal);

        Assert.True(first.Count >= 12, $"only {first.Count} events");
        Assert.Equal(first, second);
        Assert.All(first, e => Assert.NotNull(e.DueAt));
        Assert.Contains(first, e => e.DueAt - e.MadeAt != first[^1].DueAt - first[^1].MadeAt);
    }

    [Fact]
    public async Task Timeline_DifferentSeedRandomModel_DifferentDelays()
    {
        var first = await RunScenarioAsync(seed: 7, LogNormal);
        var other = await RunScenarioAsync(seed: 8, LogNormal);

        Assert.NotEqual(first, other);
        Assert.Equal(first.Select(e => e.Kind), other.Select(e => e.Kind));
        Assert.NotEqual(Delays(first), Delays(other));
    }

    [Fact]
    public async Task Timeline_DifferentSeedFixedModel_SameDelays()
    {
        var first = await RunScenarioAsync(seed: 7, "fixed(1500ms)");
        var other = await RunScenarioAsync(seed: 8, "fixed(1500ms)");

        Assert.Equal(first.Select(e => e.Kind), other.Select(e => e.Kind));
        Assert.Equal(Delays(first), Delays(other));
    }

    [Theory]
    [MemberData(nameof(ConvergenceSeeds))]
    public Task RandomOperations_LognormalDelays_EveryViewConvergesToControlPlane(int seed) => AssertConvergesAsync(seed, reorder: false);

    [Theory]
    [MemberData(nameof(ConvergenceSeeds))]
    public Task RandomOperations_LognormalDelaysReordered_EveryViewStillConverges(int seed) => AssertConvergesAsync(seed, reorder: true);

    private static async Task AssertConvergesAsync(int seed, bool reorder)
    {
        await using var host = new MetadataHost(Settings(LogNormal) with { Reorder = reorder }, seed);
        var random = new Random(seed);
        var log = new List<string>();
        var subnet = await host.CreateSubnetAsync();
        var instances = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            instances.Add(await host.LaunchAsync(subnet, await host.CreateInterfaceAsync(subnet)));
        }

        var spares = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            spares.Add(await host.CreateInterfaceAsync(subnet));
        }

        var eips = new List<AddressView>();
        for (var i = 0; i < 3; i++)
        {
            eips.Add(await host.AllocateAsync());
        }

        var groups = new List<string>();
        foreach (var name in new[] { "web", "db", "ops" })
        {
            groups.Add((await host.CreateSecurityGroupAsync(subnet.VpcId, name)).GroupId);
        }

        for (var step = 0; step < 40; step++)
        {
            var op = random.Next(12);
            try
            {
                log.Add(await RunOperationAsync(host, random, op, instances, spares, eips, groups));
            }
            catch (Ec2Exception error)
            {
                log.Add($"op {op} failed: {error.Code}");
            }

            if (random.Next(3) > 0)
            {
                var wait = random.Next(0, 5000);
                host.AdvanceMs(wait);
                log.Add($"+{wait}ms");
            }
        }

        var pending = instances.SelectMany(host.Pending).ToList();
        Assert.All(pending, e => Assert.NotNull(e.DueAt));
        if (pending.Count > 0)
        {
            // Timers fire on whole milliseconds, rounded up.
            host.Time.SetUtcNow(pending.Max(e => e.DueAt!.Value) + TimeSpan.FromMilliseconds(1));
        }

        var trace = $"seed {seed}, reorder {reorder}: {string.Join("; ", log)}";
        foreach (var instance in instances)
        {
            Assert.True(host.InSync(instance), $"{instance} not in sync. {trace}");
            Assert.Empty(host.Pending(instance));
            var view = host.View(instance);
            Assert.Equal(ExpectedState(host.State.Instances[instance].State.Name), view.State);
            var expected = host.State.NetworkInterfaces.Values
                .Where(n => n.Attachment?.InstanceId == instance)
                .OrderBy(n => n.MacAddress, StringComparer.Ordinal)
                .Select(n => Describe(n.MacAddress, host.ControlPlaneIpv4s(n.NetworkInterfaceId), ControlPlanePrefixes(host, n.NetworkInterfaceId), n.GroupIds))
                .ToList();
            var actual = view.Interfaces
                .OrderBy(n => n.Mac, StringComparer.Ordinal)
                .Select(n => Describe(n.Mac, Format(n.LocalIpv4s), Format(n.Prefixes), n.SecurityGroupIds))
                .ToList();
            Assert.True(expected.SequenceEqual(actual), $"{instance}: expected {string.Join(' ', expected)}, shown {string.Join(' ', actual)}. {trace}");
        }
    }

    private static string Describe(string mac, IEnumerable<string> addresses, IEnumerable<string> prefixes, IEnumerable<string> groups) =>
        $"{mac}={string.Join(',', addresses)} prefixes {string.Join(',', prefixes)} groups {string.Join(',', groups)}";

    private static string[] ControlPlanePrefixes(MetadataHost host, string networkInterfaceId)
    {
        Assert.True(host.State.TryGetInterface(networkInterfaceId, out _, out var addresses));
        return Format(addresses.Prefixes);
    }

    private static string ExpectedState(string ec2State) => ec2State switch
    {
        "pending" or "running" => "running",
        "stopping" or "stopped" => "stopped",
        _ => "terminated",
    };

    private static List<TimeSpan?> Delays(IEnumerable<MetadataEvent> events) => [.. events.Select(e => e.DueAt - e.MadeAt)];

    private static async Task<string> RunOperationAsync(
        MetadataHost host, Random random, int op, List<string> instances, List<string> spares, List<AddressView> eips, List<string> groups)
    {
        var attached = instances.SelectMany(i => host.State.Instances[i].Attachments.Select(a => a.NetworkInterfaceId)).ToList();
        var withSecondaries = attached.Where(n => host.ControlPlaneIpv4s(n).Length > 1).ToList();
        switch (op)
        {
            case 0:
                {
                    var nic = Pick(random, attached);
                    var count = random.Next(1, 3);
                    await host.AddressesOn(nic).AssignAsync(Count(count));
                    return $"assign {count} to {nic}";
                }

            case 1:
                {
                    if (withSecondaries.Count == 0)
                    {
                        return "no secondary to move";
                    }

                    var source = Pick(random, withSecondaries);
                    var address = Pick(random, host.ControlPlaneIpv4s(source).Skip(1).ToList());
                    var target = Pick(random, attached.Where(n => n != source).ToList());
                    await host.AddressesOn(target).AssignAsync(Addresses(true, address));
                    return $"move {address} from {source} to {target}";
                }

            case 2:
                {
                    if (withSecondaries.Count == 0)
                    {
                        return "no secondary to unassign";
                    }

                    var nic = Pick(random, withSecondaries);
                    var address = Pick(random, host.ControlPlaneIpv4s(nic).Skip(1).ToList());
                    await host.AddressesOn(nic).UnassignAsync([Ip(address)], []);
                    return $"unassign {address} from {nic}";
                }

            case 3:
                {
                    var eip = Pick(random, eips);
                    var nic = Pick(random, attached);
                    var address = Pick(random, host.ControlPlaneIpv4s(nic));
                    await host.AssociateAsync(eip, nic, address, allowReassociation: true);
                    return $"associate {eip.AllocationId} with {address} on {nic}";
                }

            case 4:
                {
                    var eip = Pick(random, eips);
                    await host.Region.DisassociateAddressAsync(null, eip.PublicIp);
                    return $"disassociate {eip.AllocationId}";
                }

            case 5:
                {
                    var free = spares.Where(s => host.State.NetworkInterfaces[s].Attachment is null).ToList();
                    if (free.Count == 0)
                    {
                        return "no spare to attach";
                    }

                    var nic = Pick(random, free);
                    var instance = Pick(random, instances);
                    var taken = host.State.Instances[instance].Attachments.Select(a => a.DeviceIndex).ToHashSet();
                    var device = Enumerable.Range(1, 2).FirstOrDefault(d => !taken.Contains(d));
                    if (device == 0)
                    {
                        return $"{instance} has no free device";
                    }

                    await host.AttachAsync(instance, nic, device);
                    return $"attach {nic} to {instance} at {device}";
                }

            case 6:
                {
                    var candidates = instances
                        .SelectMany(i => host.State.Instances[i].Attachments.Where(a => a.DeviceIndex != 0).Select(a => (Instance: i, a.AttachmentId)))
                        .ToList();
                    if (candidates.Count == 0)
                    {
                        return "nothing to detach";
                    }

                    var (instance, attachmentId) = Pick(random, candidates);
                    await host.Instance(instance).DetachAsync(attachmentId, force: false);
                    return $"detach {attachmentId} from {instance}";
                }

            case 8:
                {
                    var nic = Pick(random, attached);
                    await host.AddressesOn(nic).AssignAsync(PrefixCount(1));
                    return $"assign a prefix to {nic}";
                }

            case 9:
                {
                    var withPrefixes = attached.Where(n => ControlPlanePrefixes(host, n).Length > 0).ToList();
                    if (withPrefixes.Count == 0)
                    {
                        return "no prefix to unassign";
                    }

                    var nic = Pick(random, withPrefixes);
                    var prefix = Pick(random, ControlPlanePrefixes(host, nic));
                    await host.AddressesOn(nic).UnassignAsync([], [Ip(prefix)]);
                    return $"unassign {prefix}/28 from {nic}";
                }

            case 10:
                {
                    var nic = Pick(random, attached);
                    var chosen = groups.Where(_ => random.Next(2) == 0).ToArray();
                    chosen = chosen.Length == 0 ? [Pick(random, groups)] : chosen;
                    await host.SetGroupsAsync(nic, chosen);
                    return $"set groups of {nic} to {string.Join(',', chosen)}";
                }

            case 11:
                {
                    // At most one of the three: the others keep the run busy.
                    if (instances.Any(i => host.State.Instances[i].State.Name == "terminated"))
                    {
                        return "one instance is already terminated";
                    }

                    var instance = Pick(random, instances);
                    await host.Instance(instance).TerminateAsync();
                    return $"terminate {instance}";
                }

            default:
                {
                    var instance = Pick(random, instances);
                    if (host.State.Instances[instance].State.Name == "running")
                    {
                        await host.Instance(instance).StopAsync();
                        return $"stop {instance}";
                    }

                    await host.Instance(instance).StartAsync();
                    return $"start {instance}";
                }
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A fixed sequence of every kind of change on two instances; returns the whole timeline once all has settled.</summary>
    private static async Task<IReadOnlyList<MetadataEvent>> RunScenarioAsync(int seed, string spec)
    {
        await using var host = new MetadataHost(Settings(spec), seed);
        var subnet = await host.CreateSubnetAsync();
        var (a, eniA) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.10");
        host.AdvanceMs(100);
        var (b, eniB) = await host.LaunchWithInterfaceAsync(subnet, "10.0.1.20");
        var spare = await host.CreateInterfaceAsync(subnet, "10.0.1.30");
        var web = await host.CreateSecurityGroupAsync(subnet.VpcId, "web");

        await host.AddressesOn(eniA).AssignAsync(Count(2));
        host.AdvanceMs(700);
        var eip = await host.AllocateAsync();
        await host.AssociateAsync(eip, eniB, privateIp: null);
        host.AdvanceMs(300);
        await host.AddressesOn(eniB).AssignAsync(Addresses(true, host.ControlPlaneIpv4s(eniA)[1]));
        var attachment = await host.AttachAsync(a, spare, 1);
        host.AdvanceMs(2000);
        await host.SetGroupsAsync(eniA, web.GroupId);
        await host.AddressesOn(eniA).AssignAsync(Prefixes("10.0.1.64"));
        await host.Instance(b).StopAsync();
        host.AdvanceMs(100);
        await host.Instance(b).StartAsync();
        await host.Instance(a).DetachAsync(attachment, force: false);
        await host.AddressesOn(eniB).AssignAsync(Count(1));
        host.Advance(TimeSpan.FromHours(25));

        Assert.True(host.InSync(a));
        Assert.True(host.InSync(b));
        return host.Events();
    }
}
