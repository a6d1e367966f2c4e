using System.Net;
using System.Xml.Linq;
using Harness.Testing;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// The region comes from the SigV4 credential scope; a scope naming no real region is refused as EC2 refuses
/// credentials it cannot validate, and a request with no scope at all is served from the default region.
/// </summary>
public sealed class RegionScopeTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Theory]
    [InlineData("us-east1")]
    [InlineData("mars-1")]
    [InlineData("xx-fake-9")]
    [InlineData("US-EAST-1")]
    public async Task SignedForANonRegion_IsAuthFailure401_AndChangesNothing(string region)
    {
        var before = await VpcCountAsync("us-east-1");

        var (status, body) = await server.CallAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.44.0.0/16" }, region);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var error = body.Element("Errors")!.Element("Error")!;
        Assert.Equal("AuthFailure", error.Element("Code")!.Value);
        Assert.Equal("AWS was not able to validate the provided access credentials", error.Element("Message")!.Value);
        Assert.False(string.IsNullOrEmpty(body.Element("RequestID")!.Value));
        Assert.Equal(before, await VpcCountAsync("us-east-1"));
    }

    [Fact]
    public async Task PresignedForANonRegion_IsAuthFailure401()
    {
        var response = await server.Http.GetAsync(
            "/?Action=DescribeVpcs&Version=2016-11-15&X-Amz-Credential=AKIDEXAMPLE%2F20261121%2Fmars-1%2Fec2%2Faws4_request");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("<Code>AuthFailure</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonRegion_IsRefusedBeforeTheActionIsLookedAt()
    {
        var (status, body) = await server.CallAsync("LaunchRockets", null, "mars-1");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("AuthFailure", body.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
    }

    [Theory]
    [InlineData("ap-northeast-3")]
    [InlineData("il-central-1")]
    [InlineData("us-gov-west-1")]
    [InlineData("cn-north-1")]
    public async Task RealRegions_AreServedWithStateOfTheirOwn(string region)
    {
        var vpc = HarnessServer.Value(await server.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.45.0.0/16" }, region), "vpcId");

        Assert.Contains((await server.OkAsync("DescribeVpcs", null, region)).Descendants(HarnessServer.Ec2 + "vpcId"), e => e.Value == vpc);
        Assert.DoesNotContain((await server.OkAsync("DescribeVpcs")).Descendants(HarnessServer.Ec2 + "vpcId"), e => e.Value == vpc);
    }

    [Fact]
    public async Task Unsigned_IsServedFromTheDefaultRegion()
    {
        var vpc = HarnessServer.Value(await server.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.46.0.0/16" }), "vpcId");

        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "DescribeVpcs", ["Version"] = "2016-11-15" }),
        };
        using var response = await server.Http.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(body.Descendants(HarnessServer.Ec2 + "vpcId"), e => e.Value == vpc);
    }

    private async Task<int> VpcCountAsync(string region)
    {
        using var request = Ec2QueryRequest.Create("DescribeVpcs", null, region);
        using var response = await server.Http.SendAsync(request);
        return XElement.Parse(await response.Content.ReadAsStringAsync()).Descendants(HarnessServer.Ec2 + "vpcId").Count();
    }
}
