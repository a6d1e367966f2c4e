using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// Kestrel's own request errors reach the client as EC2 errors with Kestrel's 4xx status, never as a 500. Raw sockets:
/// the framing under test is what an HTTP client would refuse to send.
/// </summary>
public sealed class TransportErrorTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    private const string Form = "Action=DescribeRegions&Version=2016-11-15";

    [Fact]
    public async Task ContentLengthOverTheCap_Is413WithEc2Error()
    {
        var (status, code) = await ExchangeAsync($"Content-Length: 2000000\r\n\r\n{Form}");

        Assert.Equal(413, status);
        Assert.Equal("InvalidRequest", code);
    }

    [Fact]
    public async Task ChunkedBodyOverTheCap_Is413WithEc2Error()
    {
        var chunk = new string('a', 64 * 1024);
        var body = new StringBuilder("Transfer-Encoding: chunked\r\n\r\n");
        for (var i = 0; i < 17; i++)
        {
            body.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        }

        var (status, code) = await ExchangeAsync(body.Append("0\r\n\r\n").ToString());

        Assert.Equal(413, status);
        Assert.Equal("InvalidRequest", code);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("fffffffffffffffffff")]
    public async Task MalformedChunkSize_Is400WithEc2Error(string size)
    {
        var (status, code) = await ExchangeAsync($"Transfer-Encoding: chunked\r\n\r\n{Form.Length:x}\r\n{Form}\r\n{size}\r\nabc\r\n0\r\n\r\n");

        Assert.Equal(400, status);
        Assert.Equal("InvalidRequest", code);
    }

    /// <summary>Real time: Kestrel allows a body 5 s of grace before its minimum data rate applies.</summary>
    [Fact]
    public async Task BodyArrivingTooSlowly_Is408WithEc2Error()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(Head($"Content-Length: {Form.Length}\r\n\r\n{Form[..5]}"));

        var (status, code) = await ReadReplyAsync(socket, TimeSpan.FromSeconds(30));

        Assert.Equal(408, status);
        Assert.Equal("RequestTimeout", code);
    }

    [Fact]
    public async Task WellFramedRequest_OverTheSameRawPath_Succeeds()
    {
        var (status, code) = await ExchangeAsync($"Content-Length: {Form.Length}\r\n\r\n{Form}");

        Assert.Equal(200, status);
        Assert.Null(code);
    }

    private async Task<(int Status, string? Code)> ExchangeAsync(string rest)
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(Head(rest));
        return await ReadReplyAsync(socket, TimeSpan.FromSeconds(20));
    }

    private static byte[] Head(string rest) => Encoding.UTF8.GetBytes(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n" + rest);

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        return socket;
    }

    /// <summary>Reads to the server's close; returns the status and the EC2 error code of the body, if any.</summary>
    private static async Task<(int Status, string? Code)> ReadReplyAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException) when (received.Length > 0)
        {
            // Reset after the reply: the server closed with request bytes still unread.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 ", text, StringComparison.Ordinal);
        var status = int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var body = text[bodyStart..];
        if (status == 200)
        {
            return (status, null);
        }

        Assert.Contains("text/xml", text[..bodyStart], StringComparison.OrdinalIgnoreCase);
        var error = XElement.Parse(body).Element("Errors")!.Element("Error")!;
        Assert.False(string.IsNullOrEmpty(error.Element("Message")!.Value));
        return (status, error.Element("Code")!.Value);
    }
}
