using System.Buffers.Text;
using System.Text;

namespace Harness.Load.Http;

/// <summary>What the client needs from a reply's head: the status, how the body is framed, and whether the connection ends after it.</summary>
/// <param name="Length">The head's length in bytes, without the blank line that ends it.</param>
internal readonly record struct ReplyHead(int Status, BodyFraming Framing, long ContentLength, bool Close, int Length)
{
    /// <summary>Reads the status line and the header lines (everything before the blank line, which is not included).</summary>
    public static ReplyHead Parse(ReadOnlySpan<byte> head)
    {
        var headLength = head.Length;
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];

        // "HTTP/1.1 200 OK": the reason phrase may be empty, and even the space before it missing.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3 || status < 100
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            throw new InvalidDataException($"bad status line '{Encoding.Latin1.GetString(statusLine)}'");
        }

        var http10 = statusLine[7] == (byte)'0';
        var close = http10;
        long contentLength = -1;
        var chunked = false;
        var transferEncoding = false;
        while (lineEnd >= 0)
        {
            head = head[(lineEnd + 2)..];
            lineEnd = head.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? head : head[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new InvalidDataException($"bad header line '{Encoding.Latin1.GetString(line)}'");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out used) || used != value.Length || length < 0
                    || (contentLength >= 0 && contentLength != length))
                {
                    throw new InvalidDataException($"bad Content-Length '{Encoding.Latin1.GetString(value)}'");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                // Only a last coding of "chunked" frames the body; any other leaves it running to the close.
                transferEncoding = true;
                var last = value[(value.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8);
                chunked = Ascii.EqualsIgnoreCase(last, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(token, "close"u8))
                    {
                        close = true;
                    }
                    else if (http10 && Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
                    {
                        close = false;
                    }
                }
            }
        }

        var framing = status is 204 or 304 || status < 200 ? BodyFraming.None
            : transferEncoding ? (chunked ? BodyFraming.Chunked : BodyFraming.UntilClose)
            : contentLength >= 0 ? BodyFraming.Length
            : BodyFraming.UntilClose;
        // After 101 Switching Protocols the connection speaks something else: it is never reused.
        return new ReplyHead(status, framing, Math.Max(0, contentLength), close || status == 101 || framing == BodyFraming.UntilClose, headLength);
    }
}
