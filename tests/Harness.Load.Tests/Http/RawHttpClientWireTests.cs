using Harness.Load.Http;

namespace Harness.Load.Tests.Http;

/// <summary>The client against a scripted server: idle connections the server closes, the retry rule, and framings Kestrel does not send.</summary>
public sealed class RawHttpClientWireTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    [Fact]
    public async Task SendAsync_ServerClosedTheIdleConnection_RetriesOnAFreshOneAndSucceeds()
    {
        // The server answers once per connection and then closes it without a word, as an idle time-out does.
        await using var server = new ScriptedServer((_, _) => (Ok, true));
        using var client = new RawHttpClient(server.EndPoint);
        await client.SendAsync(RawHttpClient.Get("h", "/"));
        await server.WaitForCloseAsync();

        var reply = await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal("ok", reply.BodyText);
        Assert.Equal(1, client.Retries);
        Assert.Equal(2, server.Accepted);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task SendAsync_PostOnAConnectionTheServerClosedWhileIdle_IsRetriedToo()
    {
        await using var server = new ScriptedServer((_, _) => (Ok, true));
        using var client = new RawHttpClient(server.EndPoint);
        await client.SendAsync(RawHttpClient.Post("h", "/", "text/plain", "1"));
        await server.WaitForCloseAsync();

        var reply = await client.SendAsync(RawHttpClient.Post("h", "/", "text/plain", "2"));

        Assert.Equal("ok", reply.BodyText);
        Assert.Equal(1, client.Retries);
    }

    [Fact]
    public async Task SendAsync_PostOnAFreshConnectionClosedBeforeAnyReply_IsNotRetried()
    {
        await using var server = new ScriptedServer((number, _) => number == 0 ? ("", true) : (Ok, false));
        using var client = new RawHttpClient(server.EndPoint);

        await Assert.ThrowsAsync<IOException>(async () => await client.SendAsync(RawHttpClient.Post("h", "/", "text/plain", "x")));

        Assert.Equal(0, client.Retries);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task SendAsync_GetOnAFreshConnectionClosedBeforeAnyReply_IsRetriedOnce()
    {
        await using var server = new ScriptedServer((number, _) => number == 0 ? ("", true) : (Ok, false));
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal("ok", reply.BodyText);
        Assert.Equal(1, client.Retries);
    }

    [Fact]
    public async Task SendAsync_FailingAgainOnTheFreshConnection_IsNotRetriedTwice()
    {
        await using var server = new ScriptedServer((_, _) => ("", true));
        using var client = new RawHttpClient(server.EndPoint);

        await Assert.ThrowsAsync<IOException>(async () => await client.SendAsync(RawHttpClient.Get("h", "/")));

        Assert.Equal(1, client.Retries);
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task SendAsync_ConnectionClosedAfterPartOfTheReply_IsNotRetried()
    {
        await using var server = new ScriptedServer((_, _) => ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true));
        using var client = new RawHttpClient(server.EndPoint);

        await Assert.ThrowsAsync<IOException>(async () => await client.SendAsync(RawHttpClient.Get("h", "/")));

        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task SendAsync_ChunkExtensionsAndTrailers_AreSkipped()
    {
        const string reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n";
        await using var server = new ScriptedServer((_, _) => (reply, false));
        using var client = new RawHttpClient(server.EndPoint);

        var first = await client.SendAsync(RawHttpClient.Get("h", "/"));
        var second = await client.SendAsync(RawHttpClient.Get("h", "/"), ReplyParts.StatusOnly);

        Assert.Equal("hello, world", first.BodyText);
        Assert.Equal(12, second.BodyLength);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task SendAsync_InterimContinue_IsSkippedForTheFinalReply()
    {
        await using var server = new ScriptedServer((_, _) => ("HTTP/1.1 100 Continue\r\n\r\n" + Ok, false));
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal(200, reply.Status);
        Assert.Equal("ok", reply.BodyText);
    }

    [Fact]
    public async Task SendAsync_BodyWithoutLength_RunsToTheCloseAndTheConnectionIsDropped()
    {
        await using var server = new ScriptedServer((_, _) => ("HTTP/1.0 200 OK\r\n\r\nuntil the end", true));
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal("until the end", reply.BodyText);
        Assert.True(reply.ConnectionClosed);
        Assert.Equal(0, client.IdleConnections);
    }

    [Fact]
    public async Task SendAsync_Http10KeepAlive_KeepsTheConnection()
    {
        await using var server = new ScriptedServer((_, _) => ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false));
        using var client = new RawHttpClient(server.EndPoint);

        await client.SendAsync(RawHttpClient.Get("h", "/"));
        await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task SendAsync_MoreBytesThanTheReply_DropsTheConnection()
    {
        await using var server = new ScriptedServer((_, _) => (Ok + Ok, false));
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal("ok", reply.BodyText);
        Assert.Equal(0, client.IdleConnections);
    }

    [Fact]
    public async Task SendAsync_Head_IsRefusedBeforeAnythingIsSent()
    {
        await using var server = new ScriptedServer((_, _) => (Ok, false));
        using var client = new RawHttpClient(server.EndPoint);

        await Assert.ThrowsAsync<NotSupportedException>(async () => await client.SendAsync("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray()));

        Assert.Equal(0, client.ConnectionsOpened);
    }

    [Fact]
    public async Task SendAsync_SwitchingProtocols_DropsTheConnection()
    {
        await using var server = new ScriptedServer((_, _) => ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", false));
        using var client = new RawHttpClient(server.EndPoint);

        var reply = await client.SendAsync(RawHttpClient.Get("h", "/"));

        Assert.Equal(101, reply.Status);
        Assert.True(reply.ConnectionClosed);
        Assert.Equal(0, client.IdleConnections);
    }

    [Theory]
    [InlineData("HTP/1.1 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    public async Task SendAsync_MalformedReply_ThrowsInvalidData(string reply)
    {
        await using var server = new ScriptedServer((_, _) => (reply, false));
        using var client = new RawHttpClient(server.EndPoint);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await client.SendAsync(RawHttpClient.Get("h", "/")));

        Assert.Equal(0, client.IdleConnections);
    }
}
