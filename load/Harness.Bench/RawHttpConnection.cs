using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Harness.Bench;

/// <summary>
/// One kept-alive HTTP/1.1 connection speaking just enough of the protocol for POST / and
/// its response (Content-Length or chunked). HttpClient costs ~3× more CPU per request than
/// wrk on this class of machine; on two cores that CPU is taken from the server under test,
/// so the default client writes pre-serialized requests straight to the socket instead.
/// Calls block: each closed-loop worker owns a thread, so a request costs one send, one
/// receive and one wake-up, with no thread-pool hop in between.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    private readonly EndPoint _endPoint;
    private readonly byte[] _prefix;
    private byte[] _buffer = new byte[16 * 1024];
    private byte[] _request = new byte[4 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;

    public RawHttpConnection(Uri target, string fixedHeaders)
    {
        _endPoint = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _prefix = Encoding.ASCII.GetBytes(
            $"POST {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n{fixedHeaders}Content-Length: ");
    }

    public QueryResponse Send(byte[] body)
    {
        try
        {
            var socket = _socket ??= Connect();
            var length = WriteRequest(body);
            socket.Send(_request.AsSpan(0, length), SocketFlags.None);
            return ReadResponse(socket);
        }
        catch
        {
            // The connection state is unknown after any failure; the next request reconnects.
            Close();
            throw;
        }
    }

    private Socket Connect()
    {
        var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(_endPoint);
        _start = _end = 0;
        return socket;
    }

    private int WriteRequest(byte[] body)
    {
        var contentLength = body.Length.ToString(CultureInfo.InvariantCulture);
        var total = _prefix.Length + contentLength.Length + 4 + body.Length;
        if (_request.Length < total)
        {
            _request = new byte[total * 2];
        }

        _prefix.CopyTo(_request, 0);
        var at = _prefix.Length + Encoding.ASCII.GetBytes(contentLength, 0, contentLength.Length, _request, _prefix.Length);
        HeaderEnd.CopyTo(_request, at);
        body.CopyTo(_request, at + 4);
        return total;
    }

    private QueryResponse ReadResponse(Socket socket)
    {
        var headerEnd = Find(socket, HeaderEnd);
        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start);
        _start = headerEnd + HeaderEnd.Length;

        // "HTTP/1.1 200 OK"
        var status = int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture);
        var close = HeaderValue(head, "connection")?.Equals("close", StringComparison.OrdinalIgnoreCase) == true;
        string body;
        if (HeaderValue(head, "content-length") is { } lengthText)
        {
            var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
            Fill(socket, length);
            body = Encoding.UTF8.GetString(_buffer, _start, length);
            _start += length;
        }
        else if (HeaderValue(head, "transfer-encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            body = ReadChunked(socket);
        }
        else
        {
            throw new IOException("response has neither Content-Length nor chunked encoding");
        }

        if (close)
        {
            Close();
        }

        return new QueryResponse(status, body);
    }

    private string ReadChunked(Socket socket)
    {
        var body = new MemoryStream();
        while (true)
        {
            var lineEnd = Find(socket, LineEnd);
            var sizeText = Encoding.ASCII.GetString(_buffer, _start, lineEnd - _start);
            var semicolon = sizeText.IndexOf(';', StringComparison.Ordinal);
            var size = int.Parse(semicolon < 0 ? sizeText : sizeText[..semicolon], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            _start = lineEnd + LineEnd.Length;
            if (size == 0)
            {
                // No trailers from either server; consume the final CRLF.
                var end = Find(socket, LineEnd);
                _start = end + LineEnd.Length;
                return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
            }

            Fill(socket, size + LineEnd.Length);
            body.Write(_buffer, _start, size);
            _start += size + LineEnd.Length;
        }
    }

    private static string? HeaderValue(string head, string name)
    {
        var at = 0;
        while ((at = head.IndexOf("\r\n" + name + ":", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var start = at + name.Length + 3;
            var end = head.IndexOf("\r\n", start, StringComparison.Ordinal);
            return (end < 0 ? head[start..] : head[start..end]).Trim();
        }

        return null;
    }

    /// <summary>Reads until <paramref name="marker"/> is buffered; returns its absolute index.</summary>
    private int Find(Socket socket, byte[] marker)
    {
        var searched = _start;
        while (true)
        {
            var found = _buffer.AsSpan(searched, _end - searched).IndexOf(marker);
            if (found >= 0)
            {
                return searched + found;
            }

            searched = Math.Max(_start, _end - marker.Length + 1);
            var shift = _start;
            ReadMore(socket);
            searched -= shift - _start;
        }
    }

    /// <summary>Ensures <paramref name="count"/> bytes from _start are buffered.</summary>
    private void Fill(Socket socket, int count)
    {
        while (_end - _start < count)
        {
            if (_start + count > _buffer.Length && _start > 0)
            {
                Compact();
            }

            if (count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
            }

            ReadMore(socket);
        }
    }

    /// <summary>Appends at least one byte to the buffer, compacting or growing it first if full.</summary>
    private void ReadMore(Socket socket)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Compact();
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }

        var read = socket.Receive(_buffer.AsSpan(_end), SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("server closed the connection");
        }

        _end += read;
    }

    private void Compact()
    {
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    public void Dispose() => Close();
}
