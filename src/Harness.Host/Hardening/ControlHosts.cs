using System.Net;
using System.Net.Sockets;

namespace Harness.Host.Hardening;

/// <summary>
/// The Host names the control API answers: loopback names, the host of <c>--public-url</c>, and with
/// <c>--listen-any</c> any IP literal. A page that rebinds its own DNS name to 127.0.0.1 still sends that name as
/// Host, so refusing names the harness was not told about stops it; an IP literal cannot be rebound.
/// </summary>
internal sealed class ControlHosts(Uri? publicUrl, bool listenAny)
{
    public bool Allows(HostString host)
    {
        if (!host.HasValue)
        {
            return false;
        }

        var name = host.Host;
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (publicUrl is not null && name.Equals(publicUrl.IdnHost, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var literal = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        if (!IsIpLiteral(literal, out var address))
        {
            return false;
        }

        return IPAddress.IsLoopback(address) || listenAny;
    }

    /// <summary>Dotted quads and bracketed IPv6 only: IPAddress.TryParse also takes "1" or "0x7f.1", which no browser sends as a host.</summary>
    private static bool IsIpLiteral(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.'));
}
