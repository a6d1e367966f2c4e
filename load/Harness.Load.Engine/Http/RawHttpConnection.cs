using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Harness.Load.Http;

/// <summary>
/// One socket of a <see cref="RawHttpClient"/> and the reader of the replies that come back on it: one exchange at a
/// time. The common reply (a small head and a Content-Length body in one segment) is read with one receive and parsed
/// in place; the only allocation is the reply's own array, and none at all for <see cref="ReplyParts.StatusOnly"/>.
/// </summary>
internal sealed partial class RawHttpConnection : IDisposable
{
    private readonly Socket socket;
    private readonly int maxHead;
    private byte[] buffer;

    // A chunked or close-delimited reply is gathered here (head first) before it is copied out at its exact size.
    private byte[] scratch = [];
    private int scratchLength;
    private int start;
    private int end;

    private RawHttpConnection(Socket socket, RawHttpClientOptions options)
    {
        this.socket = socket;
        maxHead = options.MaxHeadBytes;
        buffer = new byte[Math.Max(256, options.BufferSize)];
    }

    /// <summary>Replies completed on this connection: above zero, it came from the pool.</summary>
    public int Exchanges { get; private set; }

    /// <summary>Whether any byte of the current exchange's reply has arrived.</summary>
    public bool ReplyStarted { get; private set; }

    /// <summary>Whether the last exchange left the connection fit for another: framed reply, no close, nothing extra buffered.</summary>
    public bool Reusable { get; private set; }

    public static async ValueTask<RawHttpConnection> OpenAsync(IPEndPoint server, RawHttpClientOptions options, CancellationToken ct)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (options.LocalAddress is { } local)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(server, ct).ConfigureAwait(false);
            return new RawHttpConnection(socket, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<HttpReply> ExchangeAsync(ReadOnlyMemory<byte> request, ReplyParts parts, CancellationToken ct)
    {
        ReplyStarted = false;
        Reusable = false;
        start = end = 0;
        for (var sent = 0; sent < request.Length;)
        {
            sent += await socket.SendAsync(request[sent..], SocketFlags.None, ct).ConfigureAwait(false);
        }

        ReplyHead head;
        var scanned = 0;
        while (true)
        {
            var found = buffer.AsSpan(start + scanned, end - start - scanned).IndexOf("\r\n\r\n"u8);
            if (found < 0)
            {
                scanned = Math.Max(0, end - start - 3);
                if (end - start >= maxHead)
                {
                    throw new InvalidDataException($"reply head longer than {maxHead} bytes");
                }

                Received(await ReceiveMoreAsync(ct).ConfigureAwait(false));
                continue;
            }

            head = ReplyHead.Parse(buffer.AsSpan(start, scanned + found));
            if (head.Status is >= 100 and < 200 and not 101)
            {
                // An interim reply (100 Continue, 103 Early Hints): the real one follows.
                start += head.Length + 4;
                scanned = 0;
                continue;
            }

            break;
        }

        var keep = parts == ReplyParts.All;
        var headStart = start;
        start += head.Length + 4;
        HttpReply reply;
        if (head.Framing == BodyFraming.Length)
        {
            // The common case, kept here: the head and body go straight into the reply's array, no copy in between.
            byte[]? data = null;
            if (keep)
            {
                if (head.ContentLength > Array.MaxLength - head.Length)
                {
                    throw new InvalidDataException($"Content-Length {head.ContentLength} is too large to keep");
                }

                data = new byte[head.Length + head.ContentLength];
                buffer.AsSpan(headStart, head.Length).CopyTo(data);
            }

            var have = (int)Math.Min(end - start, head.ContentLength);
            if (data is not null)
            {
                buffer.AsSpan(start, have).CopyTo(data.AsSpan(head.Length));
            }

            start += have;
            for (var remaining = head.ContentLength - have; remaining > 0;)
            {
                var into = data is null
                    ? buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining))
                    : data.AsMemory(data.Length - (int)remaining);
                start = end = 0;
                var read = await socket.ReceiveAsync(into, SocketFlags.None, ct).ConfigureAwait(false);
                remaining -= read > 0 ? read : throw new IOException($"the server closed the connection {remaining} bytes before the body's end");
            }

            reply = new HttpReply(head.Status, data, head.Length, head.ContentLength, head.Close);
        }
        else
        {
            if (keep)
            {
                scratchLength = 0;
                Append(buffer.AsSpan(headStart, head.Length));
            }

            var length = head.Framing switch
            {
                BodyFraming.Chunked => await ReadChunkedAsync(keep, ct).ConfigureAwait(false),
                BodyFraming.UntilClose => await ReadToCloseAsync(keep, ct).ConfigureAwait(false),
                _ => 0,
            };
            reply = new HttpReply(head.Status, keep ? scratch[..scratchLength] : null, head.Length, length, head.Close);
            if (scratch.Length > 64 * 1024)
            {
                // A large body should not stay pinned to a pooled connection.
                scratch = [];
            }
        }

        Exchanges++;
        Reusable = !reply.ConnectionClosed && start == end;
        return reply;
    }

    public void Dispose() => socket.Dispose();

    /// <summary>Makes room after <c>end</c> (moving what is unread to the front, or growing up to the head limit) and receives into it.</summary>
    private ValueTask<int> ReceiveMoreAsync(CancellationToken ct)
    {
        if (start == end)
        {
            start = end = 0;
        }
        else if (end == buffer.Length)
        {
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            else
            {
                Array.Resize(ref buffer, Math.Max(buffer.Length, Math.Min(buffer.Length * 2, maxHead + 8)));
            }
        }

        return socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, ct);
    }

    private void Received(int read)
    {
        if (read == 0)
        {
            throw new IOException(ReplyStarted ? "the server closed the connection in the middle of a reply" : "the server closed the connection before replying");
        }

        ReplyStarted = true;
        end += read;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (scratchLength + bytes.Length > scratch.Length)
        {
            Array.Resize(ref scratch, Math.Max(scratchLength + bytes.Length, Math.Max(1024, scratch.Length * 2)));
        }

        bytes.CopyTo(scratch.AsSpan(scratchLength));
        scratchLength += bytes.Length;
    }
}
