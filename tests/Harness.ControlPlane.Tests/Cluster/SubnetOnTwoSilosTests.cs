using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Harness.Domain.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Harness.ControlPlane.Tests.Cluster;

/// <summary>
/// What the subnet grain promises, on Orleans' own test cluster of two silos: calls from either silo, and from a client
/// outside both, reach one activation that takes them one at a time, and errors cross the wire with their EC2 code and
/// HTTP status. The harness runs one silo today; these are the properties a cluster (the next issue) stands on.
/// </summary>
public sealed class SubnetOnTwoSilosTests : IAsyncLifetime
{
    private const string Region = "us-east-1";
    private static readonly Ipv4Cidr Cidr = Ipv4Cidr.TryParse("10.0.1.0/24", out var cidr) ? cidr : throw new InvalidOperationException();

    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddControlPlane(new HarnessOptions());
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AnEc2ErrorFromAGrain_ReachesAClientOutsideTheSilosWithItsCodeMessageAndStatus()
    {
        var subnet = Subnet(cluster.Client, "subnet-never-created");

        var error = await Assert.ThrowsAsync<Ec2Exception>(() => subnet.AddInterfaceAsync("eni-1", 0, AddressRequest.None(50)).WaitAsync(ControlPlaneHost.HangGuard));

        Assert.Equal("InvalidSubnetID.NotFound", error.Code);
        Assert.Equal("The subnet ID 'subnet-never-created' does not exist", error.Message);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public async Task AssignmentsFromBothSilosAtOnce_GoToOneActivation_AndNoAddressIsHandedOutTwice()
    {
        var factories = cluster.Silos.Select(s => cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IGrainFactory>()).ToArray();
        await Subnet(factories[0], "subnet-a").InitializeAsync(Spec("subnet-a"));
        var interfaces = Enumerable.Range(0, 12).Select(i => $"eni-{i:D2}").ToArray();
        var primaries = await Task.WhenAll(interfaces.Select((eni, i) =>
            Subnet(factories[i % 2], "subnet-a").AddInterfaceAsync(eni, 0, AddressRequest.None(50))));

        // Four rounds of two addresses per interface, every call from alternate silos, all in flight together.
        var assigned = await Task.WhenAll(
            from round in Enumerable.Range(0, 4)
            from i in Enumerable.Range(0, interfaces.Length)
            select Subnet(factories[(i + round) % 2], "subnet-a").AssignAsync(interfaces[i], Request(count: 2)));

        var addresses = primaries.Select(p => p.Primary).Concat(assigned.SelectMany(a => a.Addresses)).ToList();
        Assert.Equal(12 + (4 * 12 * 2), addresses.Count);
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.All(addresses, a => Assert.True(Cidr.Contains(a), Ipv4.Format(a)));
        Assert.Equal(1, await SubnetActivationsAsync());

        // The silo that hosts the grain holds its view; each interface has its primary and the eight it was given.
        var view = Assert.Single(Views("subnet-a"));
        Assert.All(interfaces, eni => Assert.Equal(8, view.AddressesOf(eni).Secondaries.Length));
        Assert.Equal(SubnetAddressing.UsableCount(Cidr) - addresses.Count, view.AvailableIpAddressCount);
    }

    [Fact]
    public async Task OneAddressPulledBackAndForthFromBothSilos_EndsOnExactlyOneInterface()
    {
        var factories = cluster.Silos.Select(s => cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IGrainFactory>()).ToArray();
        await Subnet(factories[0], "subnet-b").InitializeAsync(Spec("subnet-b"));
        await Subnet(factories[0], "subnet-b").AddInterfaceAsync("eni-a", 0, AddressRequest.None(50));
        await Subnet(factories[1], "subnet-b").AddInterfaceAsync("eni-b", 0, AddressRequest.None(50));
        var moving = Cidr.First + 200;

        // Silo 0 keeps pulling the address to eni-a while silo 1 pulls it to eni-b: each move is one turn of the grain.
        var moves = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Subnet(factories[i % 2], "subnet-b")
            .AssignAsync(i % 2 == 0 ? "eni-a" : "eni-b", new AddressRequest([moving], 0, [], 0, AllowReassignment: true, MaxIpv4: 50))));

        // A call that finds the address already on its interface has nothing new to report; every other one moved it.
        Assert.All(moves, m => Assert.True(m.Addresses.IsEmpty || m.Addresses.SequenceEqual([moving]), string.Join(",", m.Addresses)));
        Assert.Contains(moves, m => !m.Addresses.IsEmpty);
        var view = Assert.Single(Views("subnet-b"));
        var holders = view.Interfaces.Where(i => i.Value.Secondaries.Contains(moving)).Select(i => i.Key).ToList();
        Assert.Single(holders);
        Assert.Equal(SubnetAddressing.UsableCount(Cidr) - 3, view.AvailableIpAddressCount);
    }

    private static ISubnetGrain Subnet(IGrainFactory grains, string id) =>
        grains.GetGrain<ISubnetGrain>(GrainKeys.For(new RegionState(Region, RegionDirectoryGeneration), id));

    // Every silo's directory starts at the same world, so a key made here names the same grain on both.
    private static readonly long RegionDirectoryGeneration = new RegionDirectory().Get(Region).Generation;

    private static SubnetSpec Spec(string id) => new(Region, id, "vpc-1", Cidr, "us-east-1a", "use1-az1", []);

    private static AddressRequest Request(int count) => new([], count, [], 0, AllowReassignment: false, MaxIpv4: 50);

    /// <summary>The subnet's view in each silo's read model that has one.</summary>
    private IEnumerable<SubnetView> Views(string subnetId) =>
        cluster.Silos
            .Select(s => cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<RegionDirectory>().Get(Region))
            .Select(r => r.Subnets.TryGetValue(subnetId, out var view) ? view : null)
            .OfType<SubnetView>();

    private async Task<int> SubnetActivationsAsync()
    {
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(".Grains.SubnetGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
