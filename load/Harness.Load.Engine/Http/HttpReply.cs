using System.Text;

namespace Harness.Load.Http;

/// <summary>
/// One reply read by <see cref="RawHttpClient"/>: the status, and (unless only the status was asked for) the head and
/// the body in one array, so a reply costs one allocation. The body is bytes until <see cref="BodyText"/> decodes it.
/// </summary>
public readonly struct HttpReply
{
    private readonly byte[]? data;
    private readonly int headLength;

    internal HttpReply(int status, byte[]? data, int headLength, long bodyLength, bool connectionClosed)
    {
        Status = status;
        this.data = data;
        this.headLength = headLength;
        BodyLength = bodyLength;
        ConnectionClosed = connectionClosed;
    }

    public int Status { get; }

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>How many body bytes the server sent (after de-chunking), whether or not they were kept.</summary>
    public long BodyLength { get; }

    /// <summary>True when the connection was not put back: the server said close, or the body ran to the end of the stream.</summary>
    public bool ConnectionClosed { get; }

    /// <summary>The body, empty when the request asked for <see cref="ReplyParts.StatusOnly"/>.</summary>
    public ReadOnlyMemory<byte> Body => data is null ? default : data.AsMemory(headLength);

    /// <summary>The body decoded as UTF-8 (each call decodes again).</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>The status line and header lines as sent, CRLF between lines; empty for <see cref="ReplyParts.StatusOnly"/>.</summary>
    public string HeadText => data is null ? string.Empty : Encoding.Latin1.GetString(data, 0, headLength);

    /// <summary>The value of the first header called <paramref name="name"/> (any case), trimmed; null if there is none.</summary>
    public string? Header(string name)
    {
        var head = data.AsSpan(0, data is null ? 0 : headLength);
        var lineEnd = head.IndexOf("\r\n"u8);
        while (lineEnd >= 0)
        {
            head = head[(lineEnd + 2)..];
            lineEnd = head.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? head : head[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon == name.Length && Ascii.EqualsIgnoreCase(line[..colon], name))
            {
                return Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8));
            }
        }

        return null;
    }

    public override string ToString() => $"{Status} ({BodyLength} body bytes)";
}
