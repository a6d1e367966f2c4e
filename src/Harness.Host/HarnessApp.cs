using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Harness.ControlPlane;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Ec2;
using Harness.Ecs;
using Harness.Host.Hardening;
using Harness.Imds;
using Harness.Runtime;
using Orleans.Dashboard;

namespace Harness.Host;

/// <summary>Builds the harness; the serve command and the API tests both start it this way.</summary>
public static class HarnessApp
{
    /// <summary>Where <c>serve --orleans-dashboard</c> serves Orleans' dashboard, on the control port.</summary>
    public const string DashboardPath = "/_harness/orleans";

    public static HarnessApplication Build(HarnessHostOptions options, TimeProvider? time = null)
    {
        var limits = ConnectionLimits.For(FileLimit.Current(), options.MaxConnections);
        var ec2Gate = new ConnectionGate(limits.PerListener, ConnectionLimits.FirstByteTimeout, TimeProvider.System);
        var imdsGate = new ConnectionGate(limits.PerListener, ConnectionLimits.FirstByteTimeout, TimeProvider.System);
        var api = BuildApi(options, time, limits, ec2Gate);
        var imds = BuildImds(options, api.Services, limits, imdsGate);
        return new HarnessApplication(api, imds) { Limits = limits, Ec2Gate = ec2Gate, ImdsGate = imdsGate, PublicUrl = options.PublicUrl };
    }

    private static WebApplication BuildApi(HarnessHostOptions options, TimeProvider? time, ConnectionLimits limits, ConnectionGate gate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        Quiet(builder);
        builder.WebHost.UseKestrel(k =>
        {
            Limit(k);
            k.Listen(options.ListenAny ? IPAddress.Any : IPAddress.Loopback, options.Ec2Port, listen => listen.Use(gate.Wrap));

            // The Alibaba Cloud APIs on a port of their own, behind the same gate; its connections are marked for the branch below.
            k.Listen(options.ListenAny ? IPAddress.Any : IPAddress.Loopback, options.EcsPort, listen => listen.Use(gate.Wrap).Use(EcsConnections.Mark));
        });
        AcceptLimit.Use(builder.Services, limits.AcceptLimit);

        // Real time by default on a timer thread of its own: .NET's timer queue moves in kernel ticks (4 ms here),
        // which would make every propagation delay up to a tick late.
        if (time is null)
        {
            builder.Services.AddSingleton<TimeProvider>(_ => new PreciseTimeProvider());
        }
        else
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddControlPlane(new HarnessOptions
        {
            Seed = options.Seed,
            Propagation = options.Propagation,
            Faults = options.Faults,
            TerminatedRetention = options.TerminatedRetention,
            VcpuLimit = options.VcpuLimit,
            VerifySignatures = options.VerifySignatures,
            Credentials = options.Credentials,
        });
        builder.UseOrleans(silo =>
        {
            silo.UseHarnessSilo(options.Cluster, options.ListenAny);
            if (options.OrleansDashboard)
            {
                silo.AddDashboard();
            }
        });
        builder.Services.AddSingleton(new ImdsListener { PublicUrl = options.PublicImdsUrl });
        builder.Services.AddEcsApi(options.Ecs);
        builder.Services.AddSingleton<IClientCards, HostClientCards>();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.MapWhen(EcsConnections.IsEcs, ecs => ecs.Run(EcsApiEndpoints.HandleAsync));
        app.UseMalformedBodyAs400();
        var token = options.ControlToken is { Length: > 0 } secret ? new ControlToken(secret) : null;
        app.Use(new ControlApiGuard(new ControlHosts(options.PublicUrl, options.ListenAny), token).InvokeAsync);
        app.MapControlApi();
        if (options.OrleansDashboard)
        {
            // Behind the control API's guard like the rest of /_harness: loopback Host, the control token when one is set.
            app.MapOrleansDashboard(DashboardPath);
        }

        app.MapEc2Api();
        app.MapEcsTapped();
        return app;
    }

    /// <summary>
    /// The metadata service is its own Kestrel server with a single terminal handler: no routing on its hot path. It
    /// listens on every IPv4 address so that each instance's 127.a.b.c reaches it, and drops connections from peers
    /// outside loopback unless the user opted in.
    /// </summary>
    private static WebApplication BuildImds(HarnessHostOptions options, IServiceProvider api, ConnectionLimits limits, ConnectionGate gate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        Quiet(builder);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            Limit(k);

            // Peers outside loopback are dropped before they take a place.
            k.Listen(IPAddress.Any, options.ImdsPort, listen => listen.Use(gate.Wrap).Use(next => LoopbackPeersOnly.Filter(next, options.ListenAny)));
        });
        AcceptLimit.Use(builder.Services, limits.AcceptLimit);

        var app = builder.Build();
        var handler = new ImdsHandler(
            api.GetRequiredService<MetadataPropagation>(), api.GetRequiredService<RegionDirectory>(), api.GetRequiredService<ClientTaps>(),
            api.GetRequiredService<FaultBook>(), api.GetRequiredService<HarnessOptions>(), api.GetRequiredService<TimeProvider>(),
            api.GetRequiredService<ClusterSecret>());
        app.Run(handler.HandleAsync);
        return app;
    }

    /// <summary>
    /// Kestrel's limits for one listener: timeouts so that idle and slow connections give their descriptors back (a
    /// flood of them once killed the process). How many connections it holds is the gate's and <see cref="AcceptLimit"/>'s.
    /// </summary>
    private static void Limit(KestrelServerOptions kestrel)
    {
        // Nothing the harness serves upgrades a connection (no WebSockets), so none may.
        kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
        kestrel.Limits.KeepAliveTimeout = ConnectionLimits.KeepAliveTimeout;
        kestrel.Limits.RequestHeadersTimeout = ConnectionLimits.FirstByteTimeout;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }

    private static void Quiet(WebApplicationBuilder builder)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // Per-request hosting diagnostics open a log scope on every request when any level is on; the harness
        // logs what matters itself.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // A failed start (a port in use) is reported by the serve command in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // The silo's start-up notes (server GC, its watchdog's first look) are not the harness's output; its errors are.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
    }
}
