using System.Net;
using System.Net.Http.Json;
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

        var reset = await server.Http.PostAsync("/_harness/reset", null);

        Assert.True(reset.IsSuccessStatusCode);
        Assert.Empty((await server.OkAsync("DescribeVpcs")).Descendants(HarnessServer.Ec2 + "vpcId"));
        Assert.Empty((await server.OkAsync("DescribeVpcs", null, "eu-central-1")).Descendants(HarnessServer.Ec2 + "vpcId"));
        Assert.Empty((await server.OkAsync("DescribeSubnets")).Descendants(HarnessServer.Ec2 + "subnetId"));
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
}
