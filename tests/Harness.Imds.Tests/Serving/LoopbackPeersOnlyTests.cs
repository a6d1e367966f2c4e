using System.Net;
using Harness.Host;
using Microsoft.AspNetCore.Connections;

namespace Harness.Imds.Tests.Serving;

/// <summary>The metadata listener binds 0.0.0.0; the connection filter is what keeps it to loopback peers.</summary>
public sealed class LoopbackPeersOnlyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.1.1")]
    [InlineData("::1")]
    public async Task Filter_LoopbackPeer_Passes(string peer)
    {
        var (passed, connection) = await RunAsync(peer, allowRemote: false);

        Assert.True(passed);
        Assert.False(connection.Aborted);
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("2001:db8::1")]
    public async Task Filter_RemotePeer_IsDroppedBeforeHttp(string peer)
    {
        // Documentation-range addresses: the peer is data on a fake connection, nothing is sent anywhere.
        var (passed, connection) = await RunAsync(peer, allowRemote: false);

        Assert.False(passed);
        Assert.True(connection.Aborted);
    }

    [Fact]
    public async Task Filter_RemotePeerWithListenAny_Passes()
    {
        var (passed, _) = await RunAsync("192.0.2.10", allowRemote: true);

        Assert.True(passed);
    }

    private static async Task<(bool Passed, RecordingConnection Connection)> RunAsync(string peer, bool allowRemote)
    {
        var passed = false;
        var connection = new RecordingConnection { RemoteEndPoint = new IPEndPoint(IPAddress.Parse(peer), 40000) };
        var filter = LoopbackPeersOnly.Filter(_ => { passed = true; return Task.CompletedTask; }, allowRemote);
        await filter(connection);
        return (passed, connection);
    }

    private sealed class RecordingConnection : DefaultConnectionContext
    {
        public bool Aborted { get; private set; }

        public override void Abort(ConnectionAbortedException abortReason) => Aborted = true;
    }
}
