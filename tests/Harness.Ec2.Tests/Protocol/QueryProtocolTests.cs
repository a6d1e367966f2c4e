using System.Net;
using System.Xml.Linq;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>The Query protocol's envelope: actions, parameters, errors, GET, regions, DryRun.</summary>
public sealed class QueryProtocolTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Fact]
    public async Task UnknownAction_ReturnsInvalidActionInEc2ErrorEnvelope()
    {
        var (status, body) = await server.CallAsync("LaunchRockets");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Response", body.Name.LocalName);
        Assert.Equal("InvalidAction", body.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.Equal("The action LaunchRockets is not valid for this web service.", body.Element("Errors")!.Element("Error")!.Element("Message")!.Value);
        Assert.False(string.IsNullOrEmpty(body.Element("RequestID")!.Value));
    }

    [Fact]
    public async Task UnknownParameter_ReturnsUnknownParameter()
    {
        var (_, code, message) = await server.ErrorAsync("DescribeVpcs", new Dictionary<string, string> { ["Colour"] = "blue" });

        Assert.Equal("UnknownParameter", code);
        Assert.Equal("The parameter Colour is not recognized", message);
    }

    [Fact]
    public async Task ListParameterWithIndex_IsAccepted()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server, "10.9.0.0/16", "10.9.0.0/24");

        var body = await server.OkAsync("DescribeSubnets", new Dictionary<string, string> { ["SubnetId.1"] = subnet, ["Filter.1.Name"] = "vpc-id", ["Filter.1.Value.1"] = "*" });

        Assert.Single(body.Descendants(HarnessServer.Ec2 + "subnetSet").Single().Elements());
    }

    [Fact]
    public async Task Get_WithQueryString_IsServedLikePost()
    {
        var response = await server.Http.GetStringAsync("/?Action=DescribeRegions&Version=2016-11-15");
        var body = XElement.Parse(response);

        Assert.Equal("DescribeRegionsResponse", body.Name.LocalName);
        Assert.Equal(HarnessServer.Ec2, body.Name.Namespace);
        Assert.Equal("requestId", body.Elements().First().Name.LocalName);
        Assert.Contains(body.Descendants(HarnessServer.Ec2 + "regionName"), e => e.Value == "eu-west-1");
    }

    [Fact]
    public async Task Region_ComesFromCredentialScope_AndStateIsSeparate()
    {
        var vpc = HarnessServer.Value(await server.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.1.0.0/16" }, "eu-west-1"), "vpcId");

        var inIreland = await server.OkAsync("DescribeVpcs", null, "eu-west-1");
        var inVirginia = await server.OkAsync("DescribeVpcs", null, "us-east-1");

        Assert.Contains(inIreland.Descendants(HarnessServer.Ec2 + "vpcId"), e => e.Value == vpc);
        Assert.DoesNotContain(inVirginia.Descendants(HarnessServer.Ec2 + "vpcId"), e => e.Value == vpc);
    }

    [Fact]
    public async Task DryRun_OnValidMutation_Returns412AndChangesNothing()
    {
        var before = (await server.OkAsync("DescribeVpcs", null, "ap-south-1")).Descendants(HarnessServer.Ec2 + "item").Count();

        var (status, body) = await server.CallAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.2.0.0/16", ["DryRun"] = "true" }, "ap-south-1");

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("DryRunOperation", body.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.Equal(before, (await server.OkAsync("DescribeVpcs", null, "ap-south-1")).Descendants(HarnessServer.Ec2 + "item").Count());
    }

    [Fact]
    public async Task DryRun_OnInvalidMutation_ReturnsTheRealError()
    {
        var (_, code, _) = await server.ErrorAsync("DeleteVpc", new Dictionary<string, string> { ["VpcId"] = "vpc-0123456789abcdef0", ["DryRun"] = "true" });

        Assert.Equal("InvalidVpcID.NotFound", code);
    }

    [Fact]
    public async Task MissingRequiredParameter_ReturnsMissingParameter()
    {
        var (_, code, message) = await server.ErrorAsync("CreateSubnet", new Dictionary<string, string> { ["CidrBlock"] = "10.0.0.0/24" });

        Assert.Equal("MissingParameter", code);
        Assert.Contains("VpcId", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eni-123", "InvalidNetworkInterfaceId.Malformed")]
    [InlineData("eni-0123456789abcdef0", "InvalidNetworkInterfaceID.NotFound")]
    public async Task DescribeNetworkInterfaces_BadIds_AreMalformedOrNotFound(string id, string expected)
    {
        var (_, code, _) = await server.ErrorAsync("DescribeNetworkInterfaces", new Dictionary<string, string> { ["NetworkInterfaceId.1"] = id });

        Assert.Equal(expected, code);
    }

    [Fact]
    public async Task BadInput_NeverYieldsInternalError()
    {
        var cases = new (string Action, Dictionary<string, string> Parameters)[]
        {
            ("CreateVpc", new() { ["CidrBlock"] = "10.0.0.0/33" }),
            ("CreateVpc", new() { ["CidrBlock"] = "banana" }),
            ("CreateSubnet", new() { ["VpcId"] = "vpc-zz", ["CidrBlock"] = "10.0.0.0/24" }),
            ("AssignPrivateIpAddresses", new() { ["NetworkInterfaceId"] = "eni-0123456789abcdef0", ["PrivateIpAddress.1"] = "300.1.1.1" }),
            ("AssignPrivateIpAddresses", new() { ["NetworkInterfaceId"] = "x", ["SecondaryPrivateIpAddressCount"] = "many" }),
            ("DescribeNetworkInterfaces", new() { ["MaxResults"] = "2" }),
            ("DescribeNetworkInterfaces", new() { ["NextToken"] = "%%%" }),
            ("DescribeNetworkInterfaces", new() { ["Filter.1.Name"] = "colour", ["Filter.1.Value.1"] = "x" }),
            ("RunInstances", new() { ["ImageId"] = "ami-12345678", ["MinCount"] = "1", ["MaxCount"] = "1" }),
            ("RunInstances", new() { ["ImageId"] = "img", ["MinCount"] = "1", ["MaxCount"] = "1" }),
            ("CreateTags", new() { ["ResourceId.1"] = "what-1", ["Tag.1.Key"] = "k" }),
            ("AssociateAddress", new() { ["InstanceId"] = "i-0123456789abcdef0" }),
            ("DetachNetworkInterface", new() { ["AttachmentId"] = "attach" }),
        };

        foreach (var (action, parameters) in cases)
        {
            var (status, code, _) = await server.ErrorAsync(action, parameters);
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{action}: {status} {code}");
            Assert.NotEqual("InternalError", code);
        }
    }
}
