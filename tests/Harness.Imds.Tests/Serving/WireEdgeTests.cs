using System.Net;
using System.Net.Sockets;
using System.Text;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Serving;

/// <summary>What the metadata service does with requests at the edges of HTTP: HEAD, asterisk-form, doubled slashes, and its Connection header.</summary>
public sealed class WireEdgeTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private const string InstanceIdPath = "/latest/meta-data/instance-id";

    [Fact]
    public async Task Head_OnAKey_Is200WithTheKeysContentLengthAndAnEmptyBody()
    {
        var instance = await LaunchAsync();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{instance.Address}:{Harness.ImdsPort}{InstanceIdPath}");

        using var response = await Harness.Imds.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(instance.InstanceId), response.Content.Headers.ContentLength);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(body);
        Assert.True(response.Headers.ConnectionClose);
    }

    [Fact]
    public async Task Head_OnAKey_OnTheWire_HasContentLengthAndNoBodyBytes()
    {
        var instance = await LaunchAsync();

        var reply = await RawAsync(instance.Address, $"HEAD {InstanceIdPath} HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n");

        var (head, body) = Split(reply);
        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {instance.InstanceId.Length}\r\n", head + "\r\n", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\nConnection: close\r\n", head + "\r\n", StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("CONNECT x:80 HTTP/1.1\r\nHost: x:80\r\n\r\n")]
    public async Task RequestWithoutAPath_OnAnInstanceAddress_IsTheServices400Not500(string request)
    {
        var instance = await LaunchAsync();

        var (head, body) = Split(await RawAsync(instance.Address, request));

        // Answered by the metadata service itself (its error page and Server header), not by a 500 from a path it cannot read.
        Assert.StartsWith("HTTP/1.1 400 ", head, StringComparison.Ordinal);
        Assert.Contains("\r\nServer: EC2ws\r\n", head + "\r\n", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\nConnection: close\r\n", head + "\r\n", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>400 - Bad Request</h1>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoubledLeadingSlash_OnTheInstanceIdKey_IsTheInstanceId()
    {
        var instance = await LaunchAsync();

        var viaClient = await Harness.GetImdsAsync(instance.Address, "//latest/meta-data/instance-id");
        var (head, body) = Split(await RawAsync(instance.Address, "GET //latest/meta-data/instance-id HTTP/1.1\r\nHost: x\r\n\r\n"));

        Assert.Equal(HttpStatusCode.OK, viaClient.Status);
        Assert.Equal(instance.InstanceId, viaClient.Body);
        Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
        Assert.Equal(instance.InstanceId, body);
    }

    [Fact]
    public async Task DoubledSlashesInside_TheInstanceIdKey_IsTheInstanceId()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, "/latest//meta-data///instance-id");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(instance.InstanceId, reply.Body);
    }

    [Fact]
    public async Task EveryReply_OnEitherAddressAndWithAnyStatus_SaysConnectionClose()
    {
        var instance = await LaunchAsync();
        var token = await Harness.TokenAsync(instance.Address);
        var address = instance.Address;
        var cases = new (string Name, HttpStatusCode Expected, HttpRequestMessage Request)[]
        {
            ("key", HttpStatusCode.OK, Request(HttpMethod.Get, address, InstanceIdPath)),
            ("key with token", HttpStatusCode.OK, Request(HttpMethod.Get, address, InstanceIdPath, (ImdsHeaders.Token, token))),
            ("HEAD", HttpStatusCode.OK, Request(HttpMethod.Head, address, InstanceIdPath)),
            ("versions", HttpStatusCode.OK, Request(HttpMethod.Get, address, "/")),
            ("token", HttpStatusCode.OK, Request(HttpMethod.Put, address, "/latest/api/token", (ImdsHeaders.Ttl, "60"))),
            ("token without TTL", HttpStatusCode.BadRequest, Request(HttpMethod.Put, address, "/latest/api/token")),
            ("bad token", HttpStatusCode.Unauthorized, Request(HttpMethod.Get, address, InstanceIdPath, (ImdsHeaders.Token, "not-a-token"))),
            ("forwarded", HttpStatusCode.Forbidden, Request(HttpMethod.Get, address, InstanceIdPath, (ImdsHeaders.ForwardedFor, "10.0.0.1"))),
            ("token on a dated version", HttpStatusCode.Forbidden, Request(HttpMethod.Put, address, "/2021-01-03/api/token", (ImdsHeaders.Ttl, "60"))),
            ("missing key", HttpStatusCode.NotFound, Request(HttpMethod.Get, address, "/latest/meta-data/no-such-key")),
            ("unknown version", HttpStatusCode.NotFound, Request(HttpMethod.Get, address, "/1999-01-01/meta-data/instance-id")),
            ("POST on a key", HttpStatusCode.MethodNotAllowed, Request(HttpMethod.Post, address, InstanceIdPath)),
            ("GET token", HttpStatusCode.MethodNotAllowed, Request(HttpMethod.Get, address, "/latest/api/token")),
            ("tool address, named", HttpStatusCode.OK, Request(HttpMethod.Get, "127.0.0.1", InstanceIdPath, (ImdsHeaders.Instance, instance.InstanceId))),
            ("tool address, unnamed", HttpStatusCode.BadRequest, Request(HttpMethod.Get, "127.0.0.1", InstanceIdPath)),
            ("tool address, unknown", HttpStatusCode.NotFound, Request(HttpMethod.Get, "127.0.0.1", InstanceIdPath, (ImdsHeaders.Instance, "i-00000000000000000"))),
        };

        foreach (var (name, expected, request) in cases)
        {
            using (request)
            {
                using var response = await Harness.Imds.SendAsync(request);

                Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode}, expected {(int)expected}");
                Assert.True(response.Headers.ConnectionClose == true, $"{name}: no Connection: close");
            }
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string address, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, $"http://{address}:{Harness.ImdsPort}{path}");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Sends <paramref name="request"/> as raw bytes and reads the reply until the server closes the connection.</summary>
    private async Task<string> RawAsync(string address, string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Parse(address), Harness.ImdsPort, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    private static (string Head, string Body) Split(string reply)
    {
        var end = reply.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end >= 0, $"no end of headers in: {reply}");
        return (reply[..end], reply[(end + 4)..]);
    }
}
