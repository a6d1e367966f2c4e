using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Harness.Host;
using Harness.Host.Hardening;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ec2.Tests.Hardening;

/// <summary>
/// The control API refuses what a web page could send it (cross-site simple requests, DNS rebinding) and, with a
/// control token, anyone without it; the health check and a client's tapped EC2 endpoint stay reachable.
/// </summary>
public sealed class ControlApiGuardTests
{
    [Theory]
    [InlineData("/_harness/faults", "text/plain", "{\"spec\":\"imds-stuck\"}")]
    [InlineData("/_harness/clients", "application/x-www-form-urlencoded", "name=x&instanceId=i-0123")]
    [InlineData("/_harness/clients", "multipart/form-data; boundary=b", "--b--")]
    [InlineData("/_harness/propagation/flush", "text/plain", "")]
    public async Task Post_WithABrowsersSimpleContentType_Is415Problem(string path, string contentType, string body)
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0));
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await harness.Http.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(harness.Faults());
    }

    [Fact]
    public async Task Reset_WithoutContentType_Is415_AndWithJsonContentType_Is204()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0));

        using var bare = await harness.Http.PostAsync("/_harness/reset", null);
        using var json = await harness.Http.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, bare.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, json.StatusCode);
    }

    [Fact]
    public async Task Put_WithoutJsonContentType_Is415_AndChangesNothing()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0));
        using var content = new StringContent("{\"imds\":\"never\"}", Encoding.UTF8, "text/plain");

        using var response = await harness.Http.PutAsync("/_harness/propagation", content);
        var settings = await harness.Http.GetStringAsync("/_harness/propagation");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.DoesNotContain("never", settings, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:{port}")]
    [InlineData("127.0.0.1.nip.io:{port}")]
    [InlineData("10.0.0.5:{port}")]
    public async Task ForeignHost_Is403Problem(string host)
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0));

        using var response = await harness.SendAsync(HttpMethod.Get, "/_harness/instances", host);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ForeignHost_CannotPostEvenAsJson()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0));

        using var response = await harness.SendAsync(HttpMethod.Post, "/_harness/faults", "evil.example", "{\"spec\":\"imds-stuck\"}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(harness.Faults());
    }

    [Theory]
    [InlineData("localhost:{port}")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("127.3.4.5:{port}")]
    [InlineData("[::1]:{port}")]
    public async Task LoopbackHost_IsAnswered(string host)
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0));

        using var response = await harness.SendAsync(HttpMethod.Get, "/_harness/instances", host);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PublicUrlsHost_IsAnswered_OthersAreNot()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { PublicUrl = new Uri("http://harness:4580") });

        using var named = await harness.SendAsync(HttpMethod.Get, "/_harness/instances", "harness:4580");
        using var other = await harness.SendAsync(HttpMethod.Get, "/_harness/instances", "harness.evil.example:4580");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Health_IsOpenToAnyHostAndWithoutToken()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });

        using var response = await harness.SendAsync(HttpMethod.Get, "/_harness/health", "harness-in-compose:4580");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer s3cre")]
    [InlineData("Bearer s3cret-and-more")]
    [InlineData("Basic czNjcmV0")]
    [InlineData("s3cret")]
    public async Task WithAToken_MissingOrWrongToken_Is401Problem(string? authorization)
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });

        using var read = await harness.SendAsync(HttpMethod.Get, "/_harness/instances", authorization: authorization);
        using var reset = await harness.SendAsync(HttpMethod.Post, "/_harness/reset", authorization: authorization, json: "");

        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", read.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, reset.StatusCode);
    }

    [Fact]
    public async Task WithAToken_TheTokenPasses()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });

        using var read = await harness.SendAsync(HttpMethod.Get, "/_harness/instances", authorization: "Bearer s3cret");
        using var reset = await harness.SendAsync(HttpMethod.Post, "/_harness/reset", authorization: "bearer s3cret", json: "");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
    }

    [Fact]
    public async Task TappedEc2Endpoint_NeedsNoToken_ButALoopbackHost()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });
        const string Path = "/_harness/clients/client-9/ec2";

        using var local = await harness.SendAsync(HttpMethod.Post, Path, form: "Action=DescribeVpcs&Version=2016-11-15");
        using var foreign = await harness.SendAsync(HttpMethod.Post, Path, "evil.example", form: "Action=DescribeVpcs&Version=2016-11-15");

        // Past the guard: the EC2 facade itself answers that no such client is registered.
        Assert.Equal(HttpStatusCode.NotFound, local.StatusCode);
        Assert.Contains("client-9", await local.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task TappedEcsEndpoint_NeedsNoToken_ButALoopbackHost()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });
        const string Path = "/_harness/clients/client-9/ecs?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou";

        using var local = await harness.SendAsync(HttpMethod.Get, Path);
        using var foreign = await harness.SendAsync(HttpMethod.Get, Path, "evil.example");
        using var other = await harness.SendAsync(HttpMethod.Get, "/_harness/clients/client-9/gcp");

        // Past the guard: the ECS handler itself answers that no such client is registered.
        Assert.Equal(HttpStatusCode.NotFound, local.StatusCode);
        Assert.Contains("client-9", await local.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Ec2Api_AtTheRoot_IsNotTheGuardsBusiness()
    {
        await using var harness = await StartAsync(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });

        using var response = await harness.SendAsync(HttpMethod.Post, "/", form: "Action=DescribeRegions&Version=2016-11-15");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("10.1.2.3", false, false)]
    [InlineData("10.1.2.3", true, true)]
    [InlineData("[fd00::1]", true, true)]
    [InlineData("rebind.evil.example", true, false)]
    [InlineData("1", true, false)]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("", false, false)]
    public void ControlHosts_IpLiteralsPassOnlyWhenListeningAnywhere(string host, bool listenAny, bool allowed) =>
        Assert.Equal(allowed, new ControlHosts(null, listenAny).Allows(new HostString(host)));

    [Fact]
    public void ControlToken_Generated_IsLongAndNeverTheSameTwice()
    {
        var first = ControlToken.Generate();
        var second = ControlToken.Generate();

        Assert.True(first.Length >= 43, first);
        Assert.NotEqual(first, second);
        Assert.True(new ControlToken(first).Accepts("Bearer " + first));
        Assert.False(new ControlToken(first).Accepts("Bearer " + second));
    }

    private static async Task<Running> StartAsync(HarnessHostOptions options)
    {
        var app = HarnessApp.Build(options);
        await app.StartAsync();
        return new Running(app);
    }

    private sealed class Running(HarnessApplication app) : IAsyncDisposable
    {
        public HttpClient Http { get; } = new() { BaseAddress = new Uri(app.Ec2Url) };

        private int Port => new Uri(app.Ec2Url).Port;

        public IReadOnlyCollection<object> Faults() =>
            [.. app.Services.GetRequiredService<Harness.ControlPlane.Faults.FaultBook>().All];

        public Task<HttpResponseMessage> SendAsync(
            HttpMethod method, string path, string? host = null, string? json = null, string? form = null, string? authorization = null)
        {
            var request = new HttpRequestMessage(method, path);
            if (host is not null)
            {
                request.Headers.Host = host.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            if (json is not null)
            {
                request.Content = new StringContent(json, null, "application/json");
            }
            else if (form is not null)
            {
                request.Content = new StringContent(form, null, "application/x-www-form-urlencoded");
            }

            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            return Http.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await app.DisposeAsync();
        }
    }
}
