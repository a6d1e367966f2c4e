using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;
using static Harness.ControlPlane.Tests.ControlPlaneHost;

namespace Harness.ControlPlane.Tests.Grains;

/// <summary>ARCHITECTURE.md invariant 1 under racing reassignments: an address is on at most one interface in any snapshot.</summary>
public sealed class SubnetGrainConcurrencyTests : IAsyncLifetime
{
    private const int Writers = 16;
    private const int TotalCalls = 20_000;

    private readonly ControlPlaneHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => host.DisposeAsync().AsTask();

    [Fact]
    public async Task AssignAsync_RacingReassignments_NoSnapshotShowsAnAddressTwice()
    {
        var subnet = await host.CreateSubnetAsync("10.0.1.0/24");
        var addresses = Enumerable.Range(100, 8).Select(i => Ip($"10.0.1.{i}")).ToArray();
        var interfaces = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            interfaces.Add(await host.CreateInterfaceAsync(subnet, secondaries: new AddressRequest([addresses[2 * i], addresses[(2 * i) + 1]], 0, [], 0, false, 0)));
        }

        var settled = host.SubnetView(subnet.SubnetId);
        AssertEachOwnedOnce(settled, addresses);
        var available = settled.AvailableIpAddressCount;
        Assert.Equal(251 - 4 - 8, available);

        var done = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var snapshots = 0;
            do
            {
                var view = host.State.Subnets[subnet.SubnetId];
                AssertEachOwnedOnce(view, addresses);
                Assert.Equal(available, view.AvailableIpAddressCount);
                snapshots++;
            }
            while (!done.IsCancellationRequested);
            return snapshots;
        });

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            var moved = 0;
            for (var call = 0; call < TotalCalls / Writers; call++)
            {
                var target = interfaces[random.Next(interfaces.Count)];
                var wanted = addresses.Where(_ => random.Next(4) == 0).DefaultIfEmpty(addresses[random.Next(addresses.Length)]).ToArray();
                var result = await host.AddressesOn(target).AssignAsync(new AddressRequest([.. wanted], 0, [], 0, true, 0));
                Assert.Empty(result.Prefixes);
                Assert.All(result.Addresses, a => Assert.Contains(a, wanted));
                moved += result.Addresses.Length;
            }

            return moved;
        })).ToArray();

        int[] moves;
        try
        {
            moves = await Task.WhenAll(writers).WaitAsync(HangGuard);
        }
        finally
        {
            await done.CancelAsync();
        }

        var snapshotsTaken = await reader.WaitAsync(HangGuard);

        var final = host.SubnetView(subnet.SubnetId);
        AssertEachOwnedOnce(final, addresses);
        Assert.Equal(available, final.AvailableIpAddressCount);
        Assert.Equal(interfaces.Count + addresses.Length, final.Interfaces.Values.Sum(a => a.Ipv4Count));
        Assert.Equal(final.Cidr.Size, interfaces.Count + addresses.Length + final.AvailableIpAddressCount + SubnetAddressing.ReservedPerSubnet);
        Assert.True(moves.Sum() > 0, "no address ever moved");
        Assert.True(snapshotsTaken > 0);
    }

    private static void AssertEachOwnedOnce(SubnetView view, uint[] addresses)
    {
        var owners = view.Interfaces
            .SelectMany(pair => pair.Value.All.Select(address => (Address: address, Owner: pair.Key)))
            .GroupBy(x => x.Address)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.All(owners, pair => Assert.True(pair.Value == 1, $"{Ipv4.Format(pair.Key)} is on {pair.Value} interfaces"));
        Assert.All(addresses, address => Assert.True(owners.ContainsKey(address), $"{Ipv4.Format(address)} is on no interface"));
    }
}
