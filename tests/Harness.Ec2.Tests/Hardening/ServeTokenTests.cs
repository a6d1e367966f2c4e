using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Harness.Ec2.Tests.Hardening;

/// <summary><c>serve --listen-any</c> never leaves the control API open to the network: it generates a token and prints it.</summary>
public sealed partial class ServeTokenTests
{
    [Fact]
    public async Task ServeListenAny_PrintsAGeneratedToken_ThatTheControlApiRequires()
    {
        await using var serve = await ServeProcess.StartAsync("--listen-any");
        var token = GeneratedToken().Match(serve.Banner) is { Success: true } match ? match.Groups[1].Value : null;
        Assert.True(token is not null, serve.Banner);
        using var http = new HttpClient { BaseAddress = serve.Ec2Url };

        using var without = await http.GetAsync("/_harness/instances");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_harness/instances") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var with = await http.SendAsync(request);
        using var health = await http.GetAsync("/_harness/health");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task ServeOnLoopback_PrintsNoToken_AndTheConnectionLimits()
    {
        await using var serve = await ServeProcess.StartAsync("--max-connections", "500");
        using var http = new HttpClient { BaseAddress = serve.Ec2Url };

        using var response = await http.GetAsync("/_harness/instances");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotMatch(GeneratedToken(), serve.Banner);
        Assert.Contains("connections:  500 per listener (open-file limit", serve.Banner, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"generated token ([A-Za-z0-9_-]{43})\b")]
    private static partial Regex GeneratedToken();
}
