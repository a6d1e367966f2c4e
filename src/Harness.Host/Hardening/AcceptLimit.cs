using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Harness.Host.Hardening;

/// <summary>
/// Kestrel's socket transport with a hard bound on the sockets a listener has open: it accepts a connection only while
/// fewer than <see cref="ConnectionLimits.AcceptLimit"/> it accepted are still open, counting each until its socket is
/// closed. Kestrel's own connection limit and the <see cref="ConnectionGate"/> act after accept and close
/// asynchronously, so in a flood the accept loop could otherwise outrun them to the open-file limit.
/// </summary>
internal sealed class AcceptLimit(IConnectionListenerFactory sockets, int limit) : IConnectionListenerFactory
{
    /// <summary>Replaces Kestrel's transport with the socket transport behind this bound.</summary>
    public static void Use(IServiceCollection services, int limit)
    {
        services.RemoveAll<IConnectionListenerFactory>();
        services.AddSingleton<IConnectionListenerFactory>(provider => new AcceptLimit(
            new SocketTransportFactory(provider.GetRequiredService<IOptions<SocketTransportOptions>>(), provider.GetRequiredService<ILoggerFactory>()),
            limit));
    }

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await sockets.BindAsync(endpoint, cancellationToken), limit);

    private sealed class Listener(IConnectionListener inner, int limit) : IConnectionListener
    {
        private readonly SemaphoreSlim open = new(limit, limit);

        // Kestrel waits for the accept loop to end before it closes connections: a full listener must not hold it.
        private readonly CancellationTokenSource unbound = new();

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                if (cancellationToken.CanBeCanceled)
                {
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, unbound.Token);
                    await open.WaitAsync(either.Token);
                }
                else
                {
                    await open.WaitAsync(unbound.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // The listener is stopping; null says so.
                return null;
            }

            ConnectionContext? connection = null;
            try
            {
                connection = await inner.AcceptAsync(cancellationToken);
            }
            finally
            {
                if (connection is null)
                {
                    open.Release();
                }
            }

            return connection is null ? null : new Counted(connection, open);
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            unbound.Cancel();
            return inner.UnbindAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            unbound.Cancel();
            await inner.DisposeAsync();
            unbound.Dispose();
        }
    }

    /// <summary>A connection that gives its place back once its socket is closed.</summary>
    private sealed class Counted(ConnectionContext inner, SemaphoreSlim open) : ConnectionContext
    {
        private int disposed;

        public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }

        public override IFeatureCollection Features => inner.Features;

        public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }

        public override IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }

        public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }

        public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }

        public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

        public override void Abort() => inner.Abort();

        public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync();
            }
            finally
            {
                if (Interlocked.Exchange(ref disposed, 1) == 0)
                {
                    open.Release();
                }
            }
        }
    }
}
