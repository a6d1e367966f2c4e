using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Harness.Load.Http;

/// <summary>
/// A lean HTTP/1.1 client for one server on this machine: a pool of kept-alive sockets (Nagle off), requests sent as
/// bytes built once (<see cref="Get"/>, <see cref="Post(string, string, string, ReadOnlySpan{byte}, ValueTuple{string, string}[])"/>,
/// <see cref="Put(string, string, string?, ReadOnlySpan{byte}, ValueTuple{string, string}[])"/>), replies framed by
/// Content-Length, chunked transfer coding or the end of the stream. A request costs one send and (for a small reply)
/// one receive; the only allocation is the reply's array, none with <see cref="ReplyParts.StatusOnly"/>. Not for HEAD
/// requests (their replies announce a body that never comes) nor for pipelining or upgrades.
/// </summary>
/// <remarks>
/// The pool holds as many connections as there were requests in flight at once, and hands out the most recently
/// used first. A connection goes back only after a reply that leaves it usable: none marked <c>Connection: close</c>
/// (or HTTP/1.0 without keep-alive), none that ran to the end of the stream, nothing buffered beyond it.
/// <para>
/// Retry: a request is sent again, once, on a fresh connection when it failed with a socket or I/O error before any
/// byte of its reply arrived and either its method is idempotent (GET, PUT, DELETE, OPTIONS, TRACE) or the
/// connection had come from the pool. The second case is the server closing an idle keep-alive connection while the
/// request was on its way: the request most likely never reached the server, so even a POST is resent, as
/// HttpClient does. A failure on a fresh connection, a failure after part of the reply, and a cancellation are never
/// retried.
/// </para>
/// <para>
/// Time-outs: cancel <c>ct</c> (e.g. a source with <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>). The
/// request then ends with an <see cref="OperationCanceledException"/> and its connection is closed, never reused.
/// </para>
/// <para>
/// Safe to share between any number of concurrent callers. <see cref="SendAsync(ReadOnlyMemory{byte}, ReplyParts, CancellationToken)"/>
/// returns a pooled <see cref="ValueTask{TResult}"/>: await it once (or call AsTask once), as with any ValueTask.
/// </para>
/// </remarks>
public sealed partial class RawHttpClient : IDisposable
{
    private readonly Stack<RawHttpConnection> idle = new();
    private readonly Lock gate = new();
    private readonly RawHttpClientOptions options;
    private long opened;
    private long retries;
    private bool disposed;

    /// <param name="server">Where to connect, e.g. one instance's 127.a.b.c and the metadata port.</param>
    public RawHttpClient(IPEndPoint server, RawHttpClientOptions? options = null)
    {
        Server = server;
        this.options = options ?? RawHttpClientOptions.Default;
    }

    public IPEndPoint Server { get; }

    /// <summary>Connections opened so far, retries included.</summary>
    public long ConnectionsOpened => Volatile.Read(ref opened);

    /// <summary>Requests sent a second time under the retry rule.</summary>
    public long Retries => Volatile.Read(ref retries);

    /// <summary>Connections waiting in the pool.</summary>
    public int IdleConnections
    {
        get
        {
            lock (gate)
            {
                return idle.Count;
            }
        }
    }

    /// <summary>Sends <paramref name="request"/> (a whole request: head and body) and reads the reply with its head and body.</summary>
    public ValueTask<HttpReply> SendAsync(ReadOnlyMemory<byte> request, CancellationToken ct = default) => SendAsync(request, ReplyParts.All, ct);

    /// <summary>Sends <paramref name="request"/> and reads the reply, keeping <paramref name="parts"/> of it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<HttpReply> SendAsync(ReadOnlyMemory<byte> request, ReplyParts parts, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (request.Span.StartsWith("HEAD "u8))
        {
            // A HEAD reply announces a body that never comes: reading it would wait for the time-out.
            throw new NotSupportedException("RawHttpClient does not send HEAD requests");
        }

        var connection = TakeIdle() ?? await OpenAsync(ct).ConfigureAwait(false);
        HttpReply reply;
        try
        {
            reply = await connection.ExchangeAsync(request, parts, ct).ConfigureAwait(false);
        }
        catch (Exception error) when (MayRetry(error, connection, request.Span, ct))
        {
            connection.Dispose();
            Interlocked.Increment(ref retries);
            connection = await OpenAsync(ct).ConfigureAwait(false);
            try
            {
                reply = await connection.ExchangeAsync(request, parts, ct).ConfigureAwait(false);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        Release(connection);
        return reply;
    }

    /// <summary>Closes the idle connections; those in flight close when their request ends.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            while (idle.TryPop(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    private static bool MayRetry(Exception error, RawHttpConnection connection, ReadOnlySpan<byte> request, CancellationToken ct) =>
        error is SocketException or IOException
        && !ct.IsCancellationRequested
        && !connection.ReplyStarted
        && (connection.Exchanges > 0 || IsIdempotent(request));

    private static bool IsIdempotent(ReadOnlySpan<byte> request) =>
        request.StartsWith("GET "u8) || request.StartsWith("PUT "u8) || request.StartsWith("DELETE "u8)
        || request.StartsWith("OPTIONS "u8) || request.StartsWith("TRACE "u8);

    private RawHttpConnection? TakeIdle()
    {
        lock (gate)
        {
            return idle.TryPop(out var connection) ? connection : null;
        }
    }

    private ValueTask<RawHttpConnection> OpenAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref opened);
        return RawHttpConnection.OpenAsync(Server, options, ct);
    }

    private void Release(RawHttpConnection connection)
    {
        if (connection.Reusable)
        {
            lock (gate)
            {
                if (!disposed)
                {
                    idle.Push(connection);
                    return;
                }
            }
        }

        connection.Dispose();
    }
}
