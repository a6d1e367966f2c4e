using System.Net;
using System.Text;
using Harness.Load.Http;

namespace Harness.Load.Tests.Http;

/// <summary>The client against real Kestrel on loopback: framing, connection reuse and close, time-outs, concurrency.</summary>
public sealed class RawHttpClientTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    [Fact]
    public async Task SendAsync_ContentLengthReply_HasStatusHeadersAndBody()
    {
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get(server.Host, "/length"));

        Assert.Equal(200, reply.Status);
        Assert.True(reply.IsSuccess);
        Assert.Equal(KestrelServer.Hello, reply.BodyText);
        Assert.Equal(KestrelServer.Hello.Length, reply.BodyLength);
        Assert.Equal(KestrelServer.Hello.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Header("content-length"));
        Assert.StartsWith("text/plain", reply.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Null(reply.Header("X-Missing"));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", reply.HeadText, StringComparison.Ordinal);
        Assert.False(reply.ConnectionClosed);
    }

    [Fact]
    public async Task SendAsync_ChunkedReply_IsDechunked()
    {
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get(server.Host, "/chunked"));

        Assert.Equal("chunked", reply.Header("Transfer-Encoding"));
        Assert.Equal("hello, chunked", reply.BodyText);
        Assert.Equal(1, client.IdleConnections);
    }

    [Theory]
    [InlineData("/big")]
    [InlineData("/big-chunked")]
    public async Task SendAsync_OneMebibyteBody_ArrivesWhole(string path)
    {
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get(server.Host, path));
        var again = await client.SendAsync(RawHttpClient.Get(server.Host, path), ReplyParts.StatusOnly);

        Assert.Equal(KestrelServer.Big, reply.Body.ToArray());
        Assert.Equal(KestrelServer.Big.Length, again.BodyLength);
        Assert.True(again.Body.IsEmpty);
        Assert.Equal(1, client.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_StatusOnly_KeepsNoHeadNorBody()
    {
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get(server.Host, "/length"), ReplyParts.StatusOnly);

        Assert.Equal(200, reply.Status);
        Assert.Equal(KestrelServer.Hello.Length, reply.BodyLength);
        Assert.Equal("", reply.BodyText);
        Assert.Equal("", reply.HeadText);
        Assert.Null(reply.Header("Content-Length"));
    }

    [Fact]
    public async Task SendAsync_NoContent_HasNoBodyAndKeepsTheConnection()
    {
        using var client = new RawHttpClient(server.EndPoint);

        var first = await client.SendAsync(RawHttpClient.Get(server.Host, "/no-content"));
        var second = await client.SendAsync(RawHttpClient.Get(server.Host, "/length"));

        Assert.Equal(204, first.Status);
        Assert.Equal(0, first.BodyLength);
        Assert.Equal(KestrelServer.Hello, second.BodyText);
        Assert.Equal(1, client.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_KeepAlive_ReusesOneConnection()
    {
        using var client = new RawHttpClient(server.EndPoint);
        var before = server.Connections;

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(KestrelServer.Hello, (await client.SendAsync(RawHttpClient.Get(server.Host, "/length"))).BodyText);
        }

        Assert.Equal(1, server.Connections - before);
        Assert.Equal(1, client.ConnectionsOpened);
        Assert.Equal(1, client.IdleConnections);
    }

    [Fact]
    public async Task SendAsync_ConnectionCloseReply_IsReadAndTheConnectionIsNotReused()
    {
        using var client = new RawHttpClient(server.EndPoint);
        var before = server.Connections;

        var first = await client.SendAsync(RawHttpClient.Get(server.Host, "/close"));
        var second = await client.SendAsync(RawHttpClient.Get(server.Host, "/close"));

        Assert.Equal("bye", first.BodyText);
        Assert.Equal("bye", second.BodyText);
        Assert.True(first.ConnectionClosed);
        Assert.Equal(2, server.Connections - before);
        Assert.Equal(2, client.ConnectionsOpened);
        Assert.Equal(0, client.IdleConnections);
        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task SendAsync_CancelledMidRequest_ThrowsAndClosesTheConnection()
    {
        using var client = new RawHttpClient(server.EndPoint);
        await client.SendAsync(RawHttpClient.Get(server.Host, "/length"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.SendAsync(RawHttpClient.Get(server.Host, "/slow"), timeout.Token));
        var after = await client.SendAsync(RawHttpClient.Get(server.Host, "/length"));

        Assert.Equal(KestrelServer.Hello, after.BodyText);
        Assert.Equal(2, client.ConnectionsOpened);
        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task SendAsync_ThirtyTwoTasksAtOnce_EachGetsItsOwnReply()
    {
        using var client = new RawHttpClient(server.EndPoint);

        var wrong = await Task.WhenAll(Enumerable.Range(0, 32).Select(task => Task.Run(async () =>
        {
            var bad = 0;
            for (var i = 0; i < 50; i++)
            {
                var query = $"?task={task}&i={i}";
                var reply = await client.SendAsync(RawHttpClient.Get(server.Host, "/echo" + query));
                bad += reply.Status == 200 && reply.BodyText == query ? 0 : 1;
            }

            return bad;
        })));

        Assert.All(wrong, bad => Assert.Equal(0, bad));
        Assert.InRange(client.ConnectionsOpened, 1, 32);
        Assert.Equal(client.ConnectionsOpened, client.IdleConnections);
    }

    [Fact]
    public async Task SendAsync_PostAndPut_SendTheirBodiesAndHeaders()
    {
        using var client = new RawHttpClient(server.EndPoint);

        var post = await client.SendAsync(RawHttpClient.Post(server.Host, "/echo", "application/x-www-form-urlencoded", "Action=RunInstances&Version=2016-11-15"));
        var put = await client.SendAsync(RawHttpClient.Put(server.Host, "/token", null, "", ("X-aws-ec2-metadata-token-ttl-seconds", "21600")));

        Assert.Equal("application/x-www-form-urlencoded|Action=RunInstances&Version=2016-11-15", post.BodyText);
        Assert.Equal("ttl=21600;length=0", put.BodyText);
    }

    [Fact]
    public async Task SendAsync_BoundToAnotherLoopbackAddress_IsSeenFromThatAddress()
    {
        using var client = new RawHttpClient(server.EndPoint, new RawHttpClientOptions { LocalAddress = IPAddress.Parse("127.0.0.7") });

        var reply = await client.SendAsync(RawHttpClient.Get(server.Host, "/peer"));

        Assert.Equal("127.0.0.1 127.0.0.7", reply.BodyText);
    }

    [Fact]
    public async Task SendAsync_AfterDispose_Throws()
    {
        var client = new RawHttpClient(server.EndPoint);
        await client.SendAsync(RawHttpClient.Get(server.Host, "/length"));

        client.Dispose();

        Assert.Equal(0, client.IdleConnections);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.SendAsync(RawHttpClient.Get(server.Host, "/length")));
    }

    [Fact]
    public void Get_BuildsTheRequestBytes()
    {
        var request = RawHttpClient.Get("169.254.169.254", "/latest/meta-data/?x=1", ("X-aws-ec2-metadata-token", "abc"));

        Assert.Equal("GET /latest/meta-data/?x=1 HTTP/1.1\r\nHost: 169.254.169.254\r\nX-aws-ec2-metadata-token: abc\r\n\r\n", Encoding.Latin1.GetString(request));
    }

    [Fact]
    public void Post_BuildsHeadAndBody()
    {
        var request = RawHttpClient.Post("h", "/", "text/plain", "é");

        Assert.Equal("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"u8.ToArray().Concat("é"u8.ToArray()), request);
    }

    [Theory]
    [InlineData("/a\r\nX-Injected: 1", "Name", "v")]
    [InlineData("/a", "Bad Name", "v")]
    [InlineData("/a", "Name", "v\r\nX-Injected: 1")]
    [InlineData("/a", "Content-Length", "5")]
    [InlineData("/a", "Host", "other")]
    [InlineData("relative", "Name", "v")]
    public void Get_WithWhatCannotGoInAHead_Throws(string path, string name, string value)
    {
        Assert.Throws<ArgumentException>(() => RawHttpClient.Get("h", path, (name, value)));
    }
}
