using Harness.ControlPlane;
using Harness.Ec2;

namespace Harness.Host;

/// <summary>Builds the harness web application; the serve command and the API tests both start it this way.</summary>
public static class HarnessApp
{
    public static WebApplication Build(HarnessHostOptions options, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // Per-request hosting diagnostics open a log scope on every request when any level is on; the harness
        // logs what matters itself.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.UseKestrel(k => k.Listen(options.ListenAny ? System.Net.IPAddress.Any : System.Net.IPAddress.Loopback, options.Ec2Port));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddControlPlane(new HarnessOptions { Seed = options.Seed });
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.MapControlApi();
        app.MapEc2Api();
        return app;
    }
}
