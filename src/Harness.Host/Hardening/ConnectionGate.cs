using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Harness.Host.Hardening;

/// <summary>
/// Connection middleware holding one listener to <see cref="ConnectionLimits.PerListener"/> connections. A flood of
/// idle connections must not lock out the callers that talk: a connection counts as silent until its first byte, and
/// when the listener is full a new connection evicts the oldest silent one. Only when every held connection has
/// spoken is the new one refused (closed at once). A silent connection is closed after
/// <see cref="ConnectionLimits.FirstByteTimeout"/> whatever the load.
/// </summary>
internal sealed class ConnectionGate(int capacity, TimeSpan firstByteTimeout, TimeProvider time)
{
    private readonly Lock sync = new();
    private readonly LinkedList<CancellationTokenSource> silent = new();
    private int open;
    private long refused;
    private long evicted;

    public int Capacity => capacity;

    public int Open => Volatile.Read(ref open);

    /// <summary>New connections closed at once because every held connection had spoken.</summary>
    public long Refused => Interlocked.Read(ref refused);

    /// <summary>Silent connections closed to make room for a new one.</summary>
    public long Evicted => Interlocked.Read(ref evicted);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => RunAsync(connection, next);

    private async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        // Network timeouts are real time even when the harness runs on a virtual clock, as Kestrel's own are.
        var wait = new CancellationTokenSource(firstByteTimeout, time);
        CancellationTokenSource? victim = null;
        LinkedListNode<CancellationTokenSource> node;
        lock (sync)
        {
            if (open >= capacity)
            {
                if (silent.First is not { } oldest)
                {
                    Interlocked.Increment(ref refused);
                    wait.Dispose();
                    connection.Abort(new ConnectionAbortedException("The listener holds as many connections as it may."));
                    return;
                }

                silent.RemoveFirst();
                victim = oldest.Value;
                Interlocked.Increment(ref evicted);
            }

            open++;
            node = silent.AddLast(wait);
        }

        // Outside the lock: cancelling may run the victim's continuation inline, and it takes the lock.
        Cancel(victim);
        try
        {
            var input = connection.Transport.Input;
            ReadResult first;
            try
            {
                first = await input.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort(new ConnectionAbortedException("The connection stayed silent."));
                return;
            }
            finally
            {
                lock (sync)
                {
                    if (node.List is not null)
                    {
                        silent.Remove(node);
                    }
                }

                wait.Dispose();
            }

            // Consume nothing: Kestrel reads the same bytes again as the start of the request.
            input.AdvanceTo(first.Buffer.Start);
            if (first.Buffer.IsEmpty && first.IsCompleted)
            {
                return;
            }

            await next(connection);
        }
        finally
        {
            lock (sync)
            {
                open--;
            }
        }
    }

    private static void Cancel(CancellationTokenSource? victim)
    {
        try
        {
            victim?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It spoke, or timed out, as it was chosen.
        }
    }
}
