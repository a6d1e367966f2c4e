using System.Net;
using System.Net.Sockets;

namespace Harness.Testing;

public static class LoopbackPort
{
    /// <summary>A port nothing listens on now: the OS's pick for a listener opened and closed at once.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
