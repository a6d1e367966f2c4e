using Harness.Load.Imds;

namespace Harness.Load.Tests.Imds;

/// <summary>The IMDS benchmark compares two servers' replies by their headers as sent, less Date (which always differs).</summary>
public sealed class ImdsReplyTests
{
    [Fact]
    public void HeadersOf_DropsDateAndTheStatusLine_AndSortsOrdinally()
    {
        const string Head = "HTTP/1.1 200 OK\r\nServer: EC2ws\r\nDate: Sun, 06 Dec 2026 10:00:00 GMT\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length:  9 ";

        Assert.Equal(["Connection: close", "Content-Length: 9", "Content-Type: text/plain", "Server: EC2ws"], ImdsReply.HeadersOf(Head));
    }

    [Fact]
    public async Task GetAsync_TheBareEndpoint_AnswersWithTheRecordedBodyAndHeaders()
    {
        await using var bare = BareImdsCommand.Build(0, "10.0.0.4\n"u8.ToArray(), ["Content-Type: text/plain", "Server: EC2ws", "Connection: close", "Content-Length: 999", "Date: x"]);
        await bare.StartAsync();
        var address = bare.Urls.First();
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var url = new Uri($"http://127.0.0.1:{port}/latest/meta-data/network/interfaces/macs/02:00:00:00:00:01/local-ipv4s");

        var reply = await ImdsReply.GetAsync(url);

        Assert.Equal(200, reply.Status);
        Assert.Equal("10.0.0.4\n", System.Text.Encoding.UTF8.GetString(reply.Body));
        // The recorded Content-Length is not replayed: the real one is; the recorded Date is dropped for Kestrel's own.
        Assert.Equal(["Connection: close", "Content-Length: 9", "Content-Type: text/plain", "Server: EC2ws"], reply.Headers);
    }
}
