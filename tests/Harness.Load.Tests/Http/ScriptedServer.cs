using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Harness.Load.Tests.Http;

/// <summary>
/// A raw TCP server for what Kestrel will not do on demand: it reads each request head (and a Content-Length body),
/// then lets <c>reply</c> write whatever bytes it likes and say whether to close the connection after them.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, string, (string Reply, bool Close)> reply;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> connections = [];
    private readonly Task accepting;
    private readonly SemaphoreSlim closes = new(0);
    private int accepted;
    private int requests;

    /// <param name="reply">Given the connection's number (0, 1, …) and the request head, the bytes to send back.</param>
    public ScriptedServer(Func<int, string, (string Reply, bool Close)> reply)
    {
        this.reply = reply;
        listener.Start();
        accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndpoint;

    public int Accepted => Volatile.Read(ref accepted);

    public int Requests => Volatile.Read(ref requests);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await Task.WhenAll([accepting, .. connections]).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
        closes.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var number = Interlocked.Increment(ref accepted) - 1;
            lock (connections)
            {
                connections.Add(ServeAsync(socket, number));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            try
            {
                while (true)
                {
                    int headEnd;
                    while ((headEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(length), stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        length += read;
                    }

                    var head = Encoding.Latin1.GetString(buffer, 0, headEnd);
                    var bodyLength = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    while (length < headEnd + 4 + bodyLength)
                    {
                        length += await socket.ReceiveAsync(buffer.AsMemory(length), stop.Token);
                    }

                    buffer.AsSpan(headEnd + 4 + bodyLength, length - headEnd - 4 - bodyLength).CopyTo(buffer);
                    length -= headEnd + 4 + bodyLength;
                    Interlocked.Increment(ref requests);
                    var (text, close) = reply(number, head);
                    await socket.SendAsync(Encoding.Latin1.GetBytes(text), stop.Token);
                    if (close)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
            finally
            {
                socket.Close();
                closes.Release();
            }
        }
    }

    /// <summary>Waits until the server has closed one more connection (its own doing or the client's).</summary>
    public async Task WaitForCloseAsync()
    {
        if (!await closes.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("the server closed no connection");
        }
    }
}
