using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Harness.Load.Tests.Http;

/// <summary>
/// Kestrel on 127.0.0.1:0 with the replies the client must read: Content-Length, chunked, Connection: close, large,
/// slow, echo and who-am-I. Counts the connections it accepted and the requests it answered.
/// </summary>
public sealed class KestrelServer : IAsyncLifetime
{
    public const string Hello = "hello, load";

    private WebApplication? app;
    private int connections;
    private long requests;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public string Host => $"127.0.0.1:{EndPoint.Port}";

    public int Connections => Volatile.Read(ref connections);

    public long Requests => Interlocked.Read(ref requests);

    /// <summary>The 1 MiB body of <c>/big</c> and <c>/big-chunked</c>: byte i is i mod 251.</summary>
    public static byte[] Big { get; } = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i % 251)).ToArray();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
        {
            Interlocked.Increment(ref connections);
            return next(connection);
        })));
        app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref requests);
            return next(context);
        });
        app.MapGet("/length", static () => Results.Text(Hello));
        app.MapGet("/chunked", static async (HttpContext context) =>
        {
            // No Content-Length and two flushes: Kestrel frames the body in chunks.
            await context.Response.WriteAsync("hello, ");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("chunked");
        });
        app.MapGet("/close", static (HttpContext context) =>
        {
            context.Response.Headers.Connection = "close";
            return Results.Text("bye");
        });
        app.MapGet("/big", static () => Results.Bytes(Big, "application/octet-stream"));
        app.MapGet("/big-chunked", static async (HttpContext context) =>
        {
            for (var at = 0; at < Big.Length; at += 100_000)
            {
                await context.Response.Body.WriteAsync(Big.AsMemory(at, Math.Min(100_000, Big.Length - at)));
                await context.Response.Body.FlushAsync();
            }
        });
        app.MapGet("/slow", static async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return Results.Text("late");
        });
        app.MapGet("/echo", static (HttpContext context) => Results.Text(context.Request.QueryString.Value ?? ""));
        app.MapGet("/peer", static (HttpContext context) => Results.Text(context.Connection.LocalIpAddress + " " + context.Connection.RemoteIpAddress));
        app.MapGet("/no-content", static () => Results.NoContent());
        app.MapPost("/echo", static async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            return Results.Text($"{context.Request.ContentType}|{await reader.ReadToEndAsync()}");
        });
        app.MapPut("/token", static (HttpContext context) =>
            Results.Text($"ttl={context.Request.Headers["X-aws-ec2-metadata-token-ttl-seconds"]};length={context.Request.ContentLength}"));
        await app.StartAsync();
        EndPoint = new IPEndPoint(IPAddress.Loopback, new Uri(app.Urls.First()).Port);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
