using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Grains;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Regions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Harness.ControlPlane;

/// <summary>The Orleans silo the grains run on: one per harness process, alone or in a cluster whose membership is in Redis.</summary>
public static class HarnessSilo
{
    /// <summary>Grains are never collected for being idle: their state is the simulated cloud. Reset and deletes drop them.</summary>
    private static readonly TimeSpan Forever = TimeSpan.FromDays(3650);

    /// <summary>
    /// Alone (<paramref name="cluster"/> null): localhost clustering on a free loopback port (no gateway: every caller is in
    /// this process, so harnesses and test hosts side by side never collide). In a cluster: membership in Redis, the
    /// given silo and gateway ports, and failure detection tuned to declare a dead silo in seconds (<see cref="TuneMembership"/>).
    /// Either way grains are kept until a reset or their resource's delete, and Orleans' own loops run on real time
    /// whatever clock the harness runs on (a scenario's virtual clock must not drive membership or messaging).
    /// </summary>
    public static ISiloBuilder UseHarnessSilo(this ISiloBuilder silo, ClusterSettings? cluster = null, bool listenAny = false)
    {
        if (cluster is null)
        {
            var id = $"harness-{Guid.NewGuid():N}";
            silo.UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0, serviceId: ClusterSettings.ServiceId, clusterId: id);
            silo.Services.AddSingleton(new ClusterMode(id, Redis: null));
        }
        else
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ServiceId = ClusterSettings.ServiceId;
                options.ClusterId = cluster.ClusterId;
            });
            silo.Configure<EndpointOptions>(options =>
            {
                options.AdvertisedIPAddress = listenAny ? HostAddress() : IPAddress.Loopback;
                options.SiloPort = cluster.SiloPort;
                options.GatewayPort = cluster.GatewayPort;
                if (listenAny)
                {
                    options.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.SiloPort);
                    options.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, cluster.GatewayPort);
                }
            });
            silo.UseRedisClustering(options => options.ConfigurationOptions = cluster.Redis.ToConfiguration());
            silo.Configure<ClusterMembershipOptions>(TuneMembership);
            silo.Services.AddSingleton(new ClusterMode(cluster.ClusterId, cluster.Redis, cluster.State));
            if (cluster.State is { } state)
            {
                AddGrainRecords(silo.Services, cluster.ClusterId, state);
            }

            // One vCPU quota per region for the whole cluster, not one per process.
            silo.Services.AddSingleton<IVcpuQuota, ClusterVcpuQuota>();

            // ClientTokens too: a retry that reaches another process replays the first call.
            silo.Services.AddSingleton<IClientTokens, ClusterClientTokens>();

            // Every grain turn's read-model changes reach the other processes before its reply or its next call.
            silo.Services.AddSingleton<ReplicaFlushFilter>();
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(static services => services.GetRequiredService<ReplicaFlushFilter>());
            silo.Services.AddSingleton<IOutgoingGrainCallFilter>(static services => services.GetRequiredService<ReplicaFlushFilter>());
        }

        silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = Forever);

        // Every keyed area Orleans resolves (Grains included: the grains take the harness clock as their unkeyed TimeProvider).
        silo.Services.AddKeyedSingleton<TimeProvider>(KeyedService.AnyKey, static (_, _) => TimeProvider.System);
        return silo;
    }

    /// <summary>
    /// Grain records in Redis (<c>--state</c>, <see cref="GrainRecords"/>): Orleans' Redis grain storage with Orleans' own
    /// serializer (the records are generated types) and keys that start with the cluster and the grain's world.
    /// </summary>
    internal static void AddGrainRecords(IServiceCollection services, string clusterId, RedisUrl state) =>
        services.AddRedisGrainStorage(GrainRecords.StorageName, storage => storage.Configure<Serializer>((options, serializer) =>
        {
            options.ConfigurationOptions = state.ToConfiguration();
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            options.DeleteStateOnClear = true;
            options.GetStorageKey = (name, grain) => GrainRecords.Key(clusterId, name, grain);
        }));

    /// <summary>
    /// Orleans' defaults take 15 s or more to declare a silo dead (3 missed probes of 5 s, and a probe's timeout adapts up
    /// to 4 times that: a stopped process took 16 s with a 2 s probe). A harness cluster must answer for a dead silo's
    /// interfaces again within 10 s: probes that time out after 2 s at most, 2 misses, and the membership table read
    /// every 2 s. A process killed with kill -9 is declared in 1-2 s (its connections are refused), one that hangs in
    /// about 5 s. Two votes are still needed with three or more silos (Orleans' default), so one slow prober cannot
    /// evict, and recent messages on a connection still count as life (Orleans' connection liveness check).
    /// </summary>
    internal static void TuneMembership(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>
    /// The control plane alone on its silo, without the HTTP endpoints: for tests and benchmarks that drive grains directly.
    /// Dispose the host to stop the silo.
    /// </summary>
    public static async Task<IHost> StartControlPlaneAsync(HarnessOptions options, TimeProvider time)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(time);
        builder.Services.AddControlPlane(options);
        builder.UseOrleans(silo => silo.UseHarnessSilo());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>How many activations of the harness's own grains the silo holds (Orleans' system grains not counted).</summary>
    public static async Task<int> CountGrainActivationsAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var prefix = typeof(HarnessSilo).Namespace + ".Grains.";
        return statistics.Where(s => s.GrainType.StartsWith(prefix, StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>The address other machines reach this one at: the first IPv4 address of an interface that is up, not loopback.</summary>
    private static IPAddress HostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
}
