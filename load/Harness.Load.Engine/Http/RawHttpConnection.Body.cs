using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Harness.Load.Http;

/// <summary>The bodies that are not a plain Content-Length: chunked, and running to the close.</summary>
internal sealed partial class RawHttpConnection
{
    /// <summary>Reads chunk-size lines, chunk data and trailers; returns the body's length, the body appended to the scratch if kept.</summary>
    private async ValueTask<long> ReadChunkedAsync(bool keep, CancellationToken ct)
    {
        long length = 0;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = LineEnd()) < 0)
            {
                Received(await ReceiveMoreAsync(ct).ConfigureAwait(false));
            }

            var size = ChunkSize(buffer.AsSpan(start, lineEnd - start));
            start = lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            length += size;
            for (var remaining = size; remaining > 0;)
            {
                if (start == end)
                {
                    Received(await ReceiveMoreAsync(ct).ConfigureAwait(false));
                }

                var take = (int)Math.Min(remaining, end - start);
                if (keep)
                {
                    Append(buffer.AsSpan(start, take));
                }

                start += take;
                remaining -= take;
            }

            while (end - start < 2)
            {
                Received(await ReceiveMoreAsync(ct).ConfigureAwait(false));
            }

            if (!buffer.AsSpan(start, 2).SequenceEqual("\r\n"u8))
            {
                throw new InvalidDataException("chunk data not followed by CRLF");
            }

            start += 2;
        }

        // Trailer fields, if any, up to the empty line; they are not kept.
        while (true)
        {
            int lineEnd;
            while ((lineEnd = LineEnd()) < 0)
            {
                Received(await ReceiveMoreAsync(ct).ConfigureAwait(false));
            }

            var empty = lineEnd == start;
            start = lineEnd + 2;
            if (empty)
            {
                return length;
            }
        }
    }

    /// <summary>A body with neither length nor chunks: whatever comes until the server closes. Returns its length.</summary>
    private async ValueTask<long> ReadToCloseAsync(bool keep, CancellationToken ct)
    {
        long length = 0;
        while (true)
        {
            length += end - start;
            if (keep)
            {
                Append(buffer.AsSpan(start, end - start));
            }

            start = end = 0;
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return length;
            }

            end = read;
        }
    }

    private int LineEnd()
    {
        var at = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8);
        if (at < 0 && end - start >= maxHead)
        {
            throw new InvalidDataException($"chunk line longer than {maxHead} bytes");
        }

        return at < 0 ? -1 : start + at;
    }

    private static long ChunkSize(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        var digits = (semicolon < 0 ? line : line[..semicolon]).Trim(" \t"u8);
        if (digits.Length is 0 or > 15 || !Utf8Parser.TryParse(digits, out long size, out var used, 'x') || used != digits.Length)
        {
            throw new InvalidDataException($"bad chunk size '{Encoding.Latin1.GetString(line)}'");
        }

        return size;
    }
}
