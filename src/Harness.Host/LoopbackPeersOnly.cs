using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Harness.Host;

/// <summary>
/// Connection middleware for the metadata listener, which binds every IPv4 address so that each instance's
/// 127.a.b.c reaches it: a peer from outside loopback is dropped before any HTTP is read, unless the user opted in.
/// </summary>
internal static class LoopbackPeersOnly
{
    public static ConnectionDelegate Filter(ConnectionDelegate next, bool allowRemote) => connection =>
    {
        if (!allowRemote && !IsLoopback(connection.RemoteEndPoint))
        {
            connection.Abort(new ConnectionAbortedException("The metadata service answers loopback peers only (see --listen-any)."));
            return Task.CompletedTask;
        }

        return next(connection);
    };

    internal static bool IsLoopback(EndPoint? peer) => peer is IPEndPoint ip && IPAddress.IsLoopback(ip.Address);
}
