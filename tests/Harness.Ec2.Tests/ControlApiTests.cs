using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Harness.Ec2.Tests.Protocol;

namespace Harness.Ec2.Tests;

/// <summary>The control API under /_harness/.</summary>
public sealed class ControlApiTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Fact]
    public async Task Health_ReturnsOk()
    {
        var response = await server.Http.GetAsync("/_harness/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["status"]);
    }

    [Fact]
    public async Task Reset_EmptiesEveryRegion()
    {
        await TopologyBuilder.SubnetAsync(server);
        await server.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.7.0.0/16" }, "eu-central-1");

        var reset = await server.Http.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));

        Assert.True(reset.IsSuccessStatusCode);
        Assert.Empty((await server.OkAsync("DescribeVpcs")).Descendants(HarnessServer.Ec2 + "vpcId"));
        Assert.Empty((await server.OkAsync("DescribeVpcs", null, "eu-central-1")).Descendants(HarnessServer.Ec2 + "vpcId"));
        Assert.Empty((await server.OkAsync("DescribeSubnets")).Descendants(HarnessServer.Ec2 + "subnetId"));
    }

    [Fact]
    public async Task Cluster_OfAHarnessAlone_IsItsOneActiveSilo_WithNothingUnshared()
    {
        using var report = JsonDocument.Parse(await server.Http.GetStringAsync("/_harness/cluster"));
        var root = report.RootElement;

        var silo = Assert.Single(root.GetProperty("silos").EnumerateArray());
        Assert.Equal("active", silo.GetProperty("status").GetString());
        Assert.Equal(root.GetProperty("self").GetProperty("silo").GetString(), silo.GetProperty("silo").GetString());
        Assert.Equal(server.BaseAddress.GetLeftPart(UriPartial.Authority), silo.GetProperty("ec2Endpoint").GetString());
        Assert.Equal("memory", root.GetProperty("state").GetString());
        Assert.Empty(root.GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public async Task UnknownControlPath_IsProblemJson404()
    {
        var response = await server.Http.GetAsync("/_harness/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task WrongMethodOnControlPath_IsProblemJson405WithAllow()
    {
        var response = await server.Http.GetAsync("/_harness/reset");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/_harness/", null)]
    [InlineData("/_harness", "application/json")]
    [InlineData("/_harness/", "*/*")]
    public async Task Index_ListsEveryControlEndpoint_AsJson(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await server.Http.SendAsync(request);
        var entries = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoints").EnumerateArray()
            .Select(e => (Method: e.GetProperty("method").GetString()!, Path: e.GetProperty("path").GetString()!, Description: e.GetProperty("description").GetString()!))
            .ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var listed = entries.Select(e => $"{e.Method} {e.Path}").ToHashSet();
        foreach (var expected in new[]
        {
            "GET /_harness/", "GET /_harness/health", "POST /_harness/reset", "GET /_harness/propagation", "PUT /_harness/propagation",
            "POST /_harness/propagation/flush", "PUT /_harness/propagation/instances/{instanceId}", "DELETE /_harness/propagation/interfaces/{networkInterfaceId}",
            "GET /_harness/instances", "GET /_harness/instances/{instanceId}/pending", "GET /_harness/events", "POST /_harness/clients",
            "DELETE /_harness/clients/{clientId}", "POST /_harness/clients/{clientId}/ec2", "POST /_harness/faults", "DELETE /_harness/faults",
            "GET /_harness/faults/events", "DELETE /_harness/faults/{id}",
        })
        {
            Assert.Contains(expected, listed);
        }

        Assert.Equal(listed.Count, entries.Count);
        Assert.All(entries, e => Assert.True(e.Description.Length > 10, $"{e.Method} {e.Path} has no description"));
    }

    [Fact]
    public async Task Index_EveryListedGetWithoutAnId_IsServed()
    {
        using var index = await server.Http.GetAsync("/_harness/");
        var paths = (await index.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoints").EnumerateArray()
            .Where(e => e.GetProperty("method").GetString() == "GET" && !e.GetProperty("path").GetString()!.Contains('{', StringComparison.Ordinal))
            .Select(e => e.GetProperty("path").GetString()!)
            .ToList();

        Assert.True(paths.Count >= 7, string.Join(", ", paths));
        foreach (var path in paths)
        {
            using var response = await server.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Index_ForABrowser_IsAnHtmlPage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_harness/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        using var response = await server.Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Contains("<td><code>PUT</code></td><td><code>/_harness/propagation</code></td>", html, StringComparison.Ordinal);
        Assert.Contains("/_harness/propagation/instances/{instanceId}", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_PreferringJsonOverHtml_IsJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_harness/");
        request.Headers.Accept.ParseAdd("text/html;q=0.5, application/json");

        using var response = await server.Http.SendAsync(request);

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Index_TakesOnlyGet()
    {
        using var response = await server.Http.PostAsync("/_harness/", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }
}
