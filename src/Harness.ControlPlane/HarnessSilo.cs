using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Harness.ControlPlane;

/// <summary>The Orleans silo the grains run on: one per harness, in its process, with in-memory state.</summary>
public static class HarnessSilo
{
    /// <summary>Grains are never collected for being idle: their state is the simulated cloud. Reset and deletes drop them.</summary>
    private static readonly TimeSpan Forever = TimeSpan.FromDays(3650);

    /// <summary>
    /// Localhost clustering on a free loopback port (no gateway: every caller is in this process, so harnesses and test hosts
    /// side by side never collide), grains kept until a reset or their resource's delete, and Orleans' own loops on real
    /// time whatever clock the harness runs on (a scenario's virtual clock must not drive membership or messaging).
    /// </summary>
    public static ISiloBuilder UseHarnessSilo(this ISiloBuilder silo)
    {
        var cluster = $"harness-{Guid.NewGuid():N}";
        silo.UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0, serviceId: "harness", clusterId: cluster);
        silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = Forever);

        // Every keyed area Orleans resolves (Grains included: the grains take the harness clock as their unkeyed TimeProvider).
        silo.Services.AddKeyedSingleton<TimeProvider>(KeyedService.AnyKey, static (_, _) => TimeProvider.System);
        return silo;
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
}
