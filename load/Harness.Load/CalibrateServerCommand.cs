using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Harness.Load;

/// <summary>
/// <c>harness-load calibrate-server [--port N] [--exit-with-stdin]</c>: a bare Kestrel endpoint on 127.0.0.1 answering
/// <c>GET /</c> with a fixed 13-byte body and nothing else (no routing, no logging), so that whatever rate a client
/// reaches against it is the client's and the machine's, not the server's. Prints <c>listening on http://127.0.0.1:PORT/</c>
/// once it accepts connections. Calibration runs it as a process of its own, so its CPU is apart from the engine's as
/// it is from wrk's.
/// </summary>
internal static class CalibrateServerCommand
{
    public const string Usage = "usage: harness-load calibrate-server [--port N] [--exit-with-stdin]";

    public static ReadOnlyMemory<byte> Body { get; } = "Hello, World!"u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        var port = 0;
        var exitWithStdin = false;
        string? problem = null;
        for (var i = 0; i < args.Length && problem is null; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 >= args.Length:
                    problem = "--port needs a value";
                    break;
                case "--port":
                    var text = args[++i];
                    problem = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535
                        ? null
                        : $"--port must be a port number from 0 (any free port) to 65535, not '{text}'";
                    break;
                case "--exit-with-stdin":
                    exitWithStdin = true;
                    break;
                default:
                    problem = args[i].StartsWith('-')
                        ? $"unknown option '{args[i]}'; calibrate-server takes --port, --exit-with-stdin, --help"
                        : $"unexpected argument '{args[i]}'";
                    break;
            }
        }

        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"harness-load calibrate-server: {problem}");
            return 2;
        }

        await using var app = Build(port);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"calibrate-server: {e.Message}");
            return 2;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening on {new Uri(address).GetLeftPart(UriPartial.Authority)}/");

        // With --exit-with-stdin the server goes when the process that started it does (its end of the pipe closes).
        var parentGone = exitWithStdin ? Console.In.ReadToEndAsync() : Task.Delay(Timeout.Infinite);
        await Task.WhenAny(parentGone, app.WaitForShutdownAsync());
        await app.StopAsync();
        return 0;
    }

    public static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(static context =>
        {
            var response = context.Response;
            if (context.Request.Path != "/" || !HttpMethods.IsGet(context.Request.Method))
            {
                response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            response.ContentType = "text/plain";
            response.ContentLength = Body.Length;
            return response.Body.WriteAsync(Body).AsTask();
        });
        return app;
    }
}
