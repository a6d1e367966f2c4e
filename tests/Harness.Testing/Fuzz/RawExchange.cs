using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Harness.Testing.Fuzz;

/// <summary>What became of one raw request: the reply's status, or that the connection closed or hung with no reply.</summary>
public readonly record struct RawOutcome(int Status, bool Dropped, bool Hung)
{
    public override string ToString() => Dropped ? "dropped" : Hung ? "hung" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Sends bytes exactly as given over a fresh loopback connection and reads until the server closes it. Requests carry
/// <c>Connection: close</c>; the socket is never half-closed, since Kestrel takes a client's FIN for an abort.
/// </summary>
public static class RawExchange
{
    public static async Task<RawOutcome> SendAsync(IPEndPoint server, byte[] request, TimeSpan timeout) =>
        (await ExchangeAsync(server, request, timeout, 4096)).Outcome;

    /// <summary>As <see cref="SendAsync"/>, with the reply's first <paramref name="keep"/> bytes (head and body) and whether that is all of it.</summary>
    public static async Task<(RawOutcome Outcome, byte[] Reply, bool Whole)> ExchangeAsync(IPEndPoint server, byte[] request, TimeSpan timeout, int keep)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cancel = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var whole = true;
        try
        {
            await socket.ConnectAsync(server, cancel.Token);
            await socket.SendAsync(request, SocketFlags.None, cancel.Token);
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (read == 0)
                {
                    break;
                }

                // Keep little of a large reply: mostly only the status line is judged.
                if (received.Length < keep)
                {
                    received.Write(buffer, 0, read);
                }
                else
                {
                    whole = false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return received.Length > 0
                ? (new RawOutcome(StatusOf(received), false, false), received.ToArray(), false)
                : (new RawOutcome(0, false, true), [], false);
        }
        catch (SocketException) when (received.Length == 0)
        {
            return (new RawOutcome(0, true, false), [], false);
        }
        catch (SocketException)
        {
            // A reset after the reply (the server closing with request bytes unread) still delivered the reply.
        }

        return received.Length == 0
            ? (new RawOutcome(0, true, false), [], false)
            : (new RawOutcome(StatusOf(received), false, false), received.ToArray(), whole);
    }

    private static int StatusOf(MemoryStream received)
    {
        var head = Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)Math.Min(received.Length, 64));
        return head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && head.Length >= 12 && int.TryParse(head.AsSpan(9, 3), out var status)
            ? status
            : -1;
    }
}
