using System.Net;
using Harness.ControlPlane;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Ec2;
using Harness.Imds;
using Harness.Runtime;

namespace Harness.Host;

/// <summary>Builds the harness; the serve command and the API tests both start it this way.</summary>
public static class HarnessApp
{
    public static HarnessApplication Build(HarnessHostOptions options, TimeProvider? time = null)
    {
        var api = BuildApi(options, time);
        var imds = BuildImds(options, api.Services);
        return new HarnessApplication(api, imds);
    }

    private static WebApplication BuildApi(HarnessHostOptions options, TimeProvider? time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        Quiet(builder);
        builder.WebHost.UseKestrel(k => k.Listen(options.ListenAny ? IPAddress.Any : IPAddress.Loopback, options.Ec2Port));
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
        builder.Services.AddSingleton<ImdsListener>();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseMalformedBodyAs400();
        app.MapControlApi();
        app.MapEc2Api();
        return app;
    }

    /// <summary>
    /// The metadata service is its own Kestrel server with a single terminal handler: no routing on its hot path. It
    /// listens on every IPv4 address so that each instance's 127.a.b.c reaches it, and drops connections from peers
    /// outside loopback unless the user opted in.
    /// </summary>
    private static WebApplication BuildImds(HarnessHostOptions options, IServiceProvider api)
    {
        var builder = WebApplication.CreateSlimBuilder();
        Quiet(builder);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Any, options.ImdsPort, listen => listen.Use(next => LoopbackPeersOnly.Filter(next, options.ListenAny)));
        });

        var app = builder.Build();
        var handler = new ImdsHandler(
            api.GetRequiredService<MetadataPropagation>(), api.GetRequiredService<RegionDirectory>(), api.GetRequiredService<ClientTaps>(),
            api.GetRequiredService<FaultBook>(), api.GetRequiredService<HarnessOptions>(), api.GetRequiredService<TimeProvider>());
        app.Run(handler.HandleAsync);
        return app;
    }

    private static void Quiet(WebApplicationBuilder builder)
    {
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // Per-request hosting diagnostics open a log scope on every request when any level is on; the harness
        // logs what matters itself.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // A failed start (a port in use) is reported by the serve command in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }
}
