using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Grains;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Net;
using Harness.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Harness.ControlPlane.Tests.Cluster;

/// <summary>
/// Grain records in Redis (<c>--state</c>), on Orleans' own test cluster of two silos: a subnet grain whose silo is
/// killed comes back on the other from its record, with every interface, address and limit it had, draws no address it
/// had given out, and publishes its view into the surviving silo's read model; a deleted one stays deleted and is taken
/// away where it still showed; a region grain comes back with its VPCs and subnet layout, takes away a VPC deleted since,
/// and draws its ids from a new stream.
/// </summary>
public sealed class GrainRecordsOnTwoSilosTests : IAsyncLifetime
{
    private const string Region = "us-east-1";
    private static readonly Ipv4Cidr Cidr = Ipv4Cidr.TryParse("10.0.1.0/24", out var cidr) ? cidr : throw new InvalidOperationException();
    private static readonly long Generation = new RegionDirectory().Get(Region).Generation;

    private RedisServer redis = null!;
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        Assert.True(RedisUrl.TryParse(redis.Url, out var url, out var error), error);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(TimeProvider.System);

            // Records without the cluster's read-model copies: what is tested is the grain's own state.
            silo.Services.AddSingleton(new ClusterMode("records", Redis: null, StateStore: url));
            silo.Services.AddControlPlane(new HarnessOptions());
            HarnessSilo.AddGrainRecords(silo.Services, "records", url);
            silo.Services.AddSingleton<ReplicaFlushFilter>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(static s => s.GetRequiredService<ReplicaFlushFilter>());
            silo.Services.AddSingleton<IOutgoingGrainCallFilter>(static s => s.GetRequiredService<ReplicaFlushFilter>());
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task ASubnetWhoseSiloIsKilled_ComesBackOnTheOtherWithEverythingItHad()
    {
        var secondary = cluster.Silos[1];
        var survivor = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
        var grains = survivor.GetRequiredService<IGrainFactory>();

        var id = await SubnetOnSecondaryAsync(grains, "subnet");
        var subnet = Subnet(grains, id);
        var interfaces = new[] { "eni-a", "eni-b", "eni-c" };
        foreach (var eni in interfaces)
        {
            await subnet.AddInterfaceAsync(eni, 0, AddressRequest.None(10));
            await subnet.AssignAsync(eni, new AddressRequest([], 3, [], 0, AllowReassignment: false, MaxIpv4: 10));
        }

        var moving = Cidr.First + 200;
        await subnet.AssignAsync("eni-a", new AddressRequest([moving], 0, [], 0, AllowReassignment: false, MaxIpv4: 10));
        await subnet.AssignAsync("eni-c", new AddressRequest([moving], 0, [], 0, AllowReassignment: true, MaxIpv4: 10));
        await subnet.SetLimitAsync("eni-b", 5);

        // Alone, a silo's read model has only what its own grains published: the survivor has not seen this subnet.
        Assert.Null(Views(survivor, id));
        await cluster.KillSiloAsync(secondary);

        // The next call activates it on the survivor, from its record.
        var added = await subnet.AssignAsync("eni-a", new AddressRequest([], 1, [], 0, AllowReassignment: false, MaxIpv4: 10)).WaitAsync(TimeSpan.FromSeconds(60));
        var after = Views(survivor, id!) ?? throw new InvalidOperationException("the survivor's read model has no view of the subnet");
        Assert.Equal(interfaces, after.Interfaces.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4, after.AddressesOf("eni-a").Secondaries.Length);
        Assert.Equal(3, after.AddressesOf("eni-b").Secondaries.Length);
        Assert.Equal(4, after.AddressesOf("eni-c").Secondaries.Length);
        Assert.Contains(moving, after.AddressesOf("eni-c").Secondaries);
        var all = interfaces.SelectMany(eni => after.AddressesOf(eni).All).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(SubnetAddressing.UsableCount(Cidr) - all.Count, after.AvailableIpAddressCount);
        Assert.Single(added.Addresses);

        // The limit came back too: eni-b, at 5 (its primary and 3 secondaries taken), takes one more and no second.
        await subnet.AssignAsync("eni-b", new AddressRequest([], 1, [], 0, AllowReassignment: false, MaxIpv4: 10));
        var refused = await Assert.ThrowsAsync<Domain.Errors.Ec2Exception>(
            () => subnet.AssignAsync("eni-b", new AddressRequest([], 1, [], 0, AllowReassignment: false, MaxIpv4: 10)));
        Assert.Equal("PrivateIpAddressLimitExceeded", refused.Code);
    }

    [Fact]
    public async Task ADeletedSubnetWhoseSiloIsKilled_StaysDeleted_AndIsTakenAwayWhereItStillShowed()
    {
        var secondary = cluster.Silos[1];
        var survivor = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
        var grains = survivor.GetRequiredService<IGrainFactory>();
        var id = await SubnetOnSecondaryAsync(grains, "subnet-deleted");
        var view = Views(cluster.GetSiloServiceProvider(secondary.SiloAddress), id) ?? throw new InvalidOperationException("no view of the subnet");
        await Subnet(grains, id).DeleteAsync();

        // The survivor still shows it, as if the delete had not reached it before the process died.
        var survivorRegion = survivor.GetRequiredService<RegionDirectory>().Get(Region);
        survivorRegion.Apply(ReadModelTable.Subnets, id, view);
        await cluster.KillSiloAsync(secondary);

        var error = await Assert.ThrowsAsync<Domain.Errors.Ec2Exception>(
            () => Subnet(grains, id).AddInterfaceAsync("eni-x", 0, AddressRequest.None(10)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("InvalidSubnetID.NotFound", error.Code);
        Assert.False(survivorRegion.Subnets.ContainsKey(id), "the deleted subnet still shows on the survivor");
    }

    [Fact]
    public async Task ARegionWhoseSiloIsKilled_ComesBackWithItsVpcsAndLayout_AndGivesOutNoIdTwice()
    {
        var secondary = cluster.Silos[1];
        var survivor = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
        var grains = survivor.GetRequiredService<IGrainFactory>();

        // Regions until one's grain lives on the secondary silo.
        string? region = null;
        foreach (var candidate in RegionDirectory.KnownRegions)
        {
            await RegionOf(grains, candidate).NewIdsAsync("vpc", 1);
            if (await HostOfKeyAsync(GrainKeys.Of(new RegionState(candidate, Generation))) == secondary.SiloAddress)
            {
                region = candidate;
                break;
            }
        }

        Assert.NotNull(region);
        var grain = RegionOf(grains, region);
        var vpc = await grain.CreateVpcAsync(new CreateVpcCommand(Cidr16("10.5.0.0/16"), "default", []));
        var subnet = await grain.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, Cidr16("10.5.1.0/24"), null, []));
        var idsBefore = await grain.NewIdsAsync("eni", 20);

        // A VPC deleted whose delete never reached the survivor (its process died between the record and the send): the
        // survivor still shows it, and the region brought back must take it away.
        var gone = await grain.CreateVpcAsync(new CreateVpcCommand(Cidr16("10.6.0.0/16"), "default", []));
        await grain.DeleteVpcAsync(gone.VpcId);
        var survivorRegion = survivor.GetRequiredService<RegionDirectory>().Get(region);
        survivorRegion.Apply(ReadModelTable.Vpcs, gone.VpcId, gone);

        await cluster.KillSiloAsync(secondary);

        // Its VPC and subnet layout came back: a subnet that overlaps the first is refused, another one is made.
        var conflict = await Assert.ThrowsAsync<Domain.Errors.Ec2Exception>(
            () => grain.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, Cidr16("10.5.1.0/25"), null, [])).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("InvalidSubnet.Conflict", conflict.Code);
        var second = await grain.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, Cidr16("10.5.2.0/24"), null, []));
        Assert.True(survivorRegion.Vpcs.ContainsKey(vpc.VpcId));
        Assert.False(survivorRegion.Vpcs.ContainsKey(gone.VpcId), "the deleted VPC still shows on the survivor");

        // Ids from a new stream: none given out before the kill comes again.
        var idsAfter = await grain.NewIdsAsync("eni", 20);
        Assert.Empty(idsAfter.Intersect(idsBefore));
        Assert.NotEqual(subnet.SubnetId, second.SubnetId);
    }

    /// <summary>Creates subnets until one lives on the secondary silo (the primary holds the test cluster's membership): its id.</summary>
    private async Task<string> SubnetOnSecondaryAsync(IGrainFactory grains, string prefix)
    {
        for (var i = 0; i < 40; i++)
        {
            var candidate = $"{prefix}-{i:D2}";
            await Subnet(grains, candidate).InitializeAsync(Spec(candidate));
            if (await HostAsync(candidate) == cluster.Silos[1].SiloAddress)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("no subnet of 40 was placed on the secondary silo");
    }

    private static IRegionGrain RegionOf(IGrainFactory grains, string region) => grains.GetGrain<IRegionGrain>(GrainKeys.Of(new RegionState(region, Generation)));

    private static Ipv4Cidr Cidr16(string text) => Ipv4Cidr.TryParse(text, out var parsed) ? parsed : throw new ArgumentException(text);

    private static ISubnetGrain Subnet(IGrainFactory grains, string id) => grains.GetGrain<ISubnetGrain>(GrainKeys.For(new RegionState(Region, Generation), id));

    private static SubnetSpec Spec(string id) => new(Region, id, "vpc-1", Cidr, "us-east-1a", "use1-az1", []);

    private static SubnetView? Views(IServiceProvider silo, string id) =>
        silo.GetRequiredService<RegionDirectory>().Get(Region).Subnets.TryGetValue(id, out var view) ? view : null;

    private Task<SiloAddress?> HostAsync(string subnetId) => HostOfKeyAsync(GrainKeys.For(new RegionState(Region, Generation), subnetId));

    private async Task<SiloAddress?> HostOfKeyAsync(string key)
    {
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.FirstOrDefault(s => s.GrainId.Key.ToString() == key)?.SiloAddress;
    }
}
