using System.Net;
using System.Runtime;
using Microsoft.Extensions.Primitives;

namespace Harness.Load.Imds;

/// <summary>
/// <c>harness-load bare-imds</c>: the floor for the IMDS figures. Hosted as the harness hosts its metadata service
/// (HarnessApp.BuildImds: CreateSlimBuilder, Kestrel on IPAddress.Any, no Server header from Kestrel, one terminal
/// app.Run handler, logging at Warning with per-request hosting diagnostics off) and answering every request with the
/// fixed reply the harness gives: the same bytes with Content-Length, and the harness's other headers as imds-fixture
/// recorded them (Content-Type text/plain, Server: EC2ws, Connection: close, …; Kestrel adds Date to both). What the
/// harness does beyond this (filter the peer, find the instance by the address connected to, check the headers,
/// resolve the path, render the view) is what the ratio of the two measures. Run it with the harness's GC settings
/// (imds.sh sets them through HOST_GC).
/// </summary>
internal static class BareImdsCommand
{
    public const string Usage = "usage: harness-load bare-imds --body-file body.txt [--headers-file headers.txt] [--port 5097]";

    /// <summary>The reply's headers when no recorded ones are given.</summary>
    private static readonly string[] DefaultHeaders = ["Content-Type: text/plain", "Server: EC2ws"];

    private static readonly string[] Names = ["port", "body-file", "headers-file"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("bare-imds", args, Names, RunAsync);

    public static WebApplication Build(int port, byte[] body, IEnumerable<string> headerLines)
    {
        var headers = headerLines
            .Select(line => line.Split(':', 2, StringSplitOptions.TrimEntries))
            .Where(h => h.Length == 2 && !h[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !h[0].Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h[0], Value: new StringValues(h[1])))
            .ToArray();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Any, port);
        });
        var app = builder.Build();
        app.Run(http =>
        {
            var response = http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }

            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        });
        return app;
    }

    private static async Task<int> RunAsync(BenchOptions args)
    {
        var port = args.GetInt("port", 5097, max: 65535);
        var body = await File.ReadAllBytesAsync(args.Require("body-file"));
        var headers = args.Get("headers-file") is { } headersFile ? await File.ReadAllLinesAsync(headersFile) : DefaultHeaders;
        await using var app = Build(port, body, headers);
        await app.StartAsync();
        Console.WriteLine($"bare IMDS endpoint on 0.0.0.0:{port}, {body.Length} bytes per reply with {string.Join("; ", headers)}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
