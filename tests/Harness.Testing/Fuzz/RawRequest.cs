using System.Text;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Writes an HTTP/1.1 request byte by byte, framing included, so that framing itself can be wrong: bad or oversized
/// Content-Length, malformed chunk sizes, chunks shorter than they claim. No framing here makes the server wait for
/// bytes that never come (that is the slow-body test's job), so every request is answered or refused at once.
/// </summary>
public static class RawRequest
{
    public enum Framing
    {
        ContentLength,
        Chunked,
        ChunkBadSize,
        ChunkHugeSize,
        ChunkShort,
        ContentLengthShort,
        ContentLengthOverCap,
        ContentLengthInvalid,
        LengthAndChunked,
    }

    public static byte[] Build(string method, string target, string host, IEnumerable<(string Name, string Value)> headers, byte[] body, Framing framing)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: ").Append(host).Append("\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var payload = new MemoryStream();
        switch (framing)
        {
            case Framing.ContentLength:
                head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
                payload.Write(body);
                break;
            case Framing.ContentLengthShort:
                head.Append("Content-Length: ").Append(body.Length / 2).Append("\r\n");
                payload.Write(body);
                break;
            case Framing.ContentLengthOverCap:
                // Declared far over the 1 MiB cap: the server must refuse it from the header alone.
                head.Append("Content-Length: ").Append(2_000_000 + body.Length).Append("\r\n");
                payload.Write(body);
                break;
            case Framing.ContentLengthInvalid:
                head.Append("Content-Length: ").Append(body.Length % 2 == 0 ? "-" + body.Length : "12abc").Append("\r\n");
                payload.Write(body);
                break;
            case Framing.LengthAndChunked:
                head.Append("Content-Length: ").Append(body.Length).Append("\r\nTransfer-Encoding: chunked\r\n");
                WriteChunks(payload, body, null);
                break;
            default:
                head.Append("Transfer-Encoding: chunked\r\n");
                WriteChunks(payload, body, framing);
                break;
        }

        head.Append("\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString());
        return [.. bytes, .. payload.ToArray()];
    }

    private static void WriteChunks(MemoryStream into, byte[] body, Framing? framing)
    {
        // Two chunks, so that a malformed size can sit after a good chunk.
        var half = body.Length / 2;
        WriteChunk(into, body.AsSpan(0, half), null);
        WriteChunk(into, body.AsSpan(half), framing);
        into.Write("0\r\n\r\n"u8);
    }

    private static void WriteChunk(MemoryStream into, ReadOnlySpan<byte> data, Framing? framing)
    {
        var size = framing switch
        {
            Framing.ChunkBadSize => "z" + data.Length.ToString("x"),
            Framing.ChunkHugeSize => "fffffffffffffffff",
            Framing.ChunkShort => (data.Length + 3).ToString("x"),
            _ => data.Length.ToString("x"),
        };
        into.Write(Encoding.ASCII.GetBytes(size + "\r\n"));
        into.Write(data);
        into.Write("\r\n"u8);
    }
}
