using System.Net;
using System.Threading.Channels;
using Harness.Host.Hardening;
using Microsoft.AspNetCore.Connections;

namespace Harness.Ec2.Tests.Hardening;

/// <summary>The accept bound: a listener accepts past its limit only when a connection it accepted has been disposed.</summary>
public sealed class AcceptLimitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Accept_AtTheLimit_WaitsUntilAnAcceptedConnectionIsDisposed()
    {
        var sockets = new Sockets();
        await using var listener = await new AcceptLimit(sockets, limit: 1).BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        sockets.Arrive(2);

        var first = await listener.AcceptAsync().AsTask().WaitAsync(Bound);
        var second = listener.AcceptAsync().AsTask();
        await Task.Delay(50);
        var waited = !second.IsCompleted;
        await first!.DisposeAsync();

        Assert.True(waited, "a second connection was accepted while the first was open");
        Assert.NotNull(await second.WaitAsync(Bound));
    }

    [Fact]
    public async Task Unbind_WhileAtTheLimit_EndsTheWaitingAccept()
    {
        var sockets = new Sockets();
        await using var listener = await new AcceptLimit(sockets, limit: 1).BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        sockets.Arrive(1);
        var held = await listener.AcceptAsync().AsTask().WaitAsync(Bound);
        var waiting = listener.AcceptAsync().AsTask();

        await listener.UnbindAsync();

        // Kestrel waits for its accept loop to end before it closes connections: the wait must end without one closing.
        Assert.Null(await waiting.WaitAsync(Bound));
        Assert.NotNull(held);
    }

    /// <summary>A transport whose connections arrive when the test says.</summary>
    private sealed class Sockets : IConnectionListenerFactory, IConnectionListener
    {
        private readonly Channel<ConnectionContext> arrivals = Channel.CreateUnbounded<ConnectionContext>();

        public EndPoint EndPoint { get; private set; } = new IPEndPoint(IPAddress.Loopback, 0);

        public void Arrive(int count)
        {
            for (var i = 0; i < count; i++)
            {
                arrivals.Writer.TryWrite(new DefaultConnectionContext($"c{i}"));
            }
        }

        public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        {
            EndPoint = endpoint;
            return ValueTask.FromResult<IConnectionListener>(this);
        }

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default) =>
            await arrivals.Reader.WaitToReadAsync(cancellationToken) && arrivals.Reader.TryRead(out var connection) ? connection : null;

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            arrivals.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
