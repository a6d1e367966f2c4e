using System.Net;
using System.Text;
using System.Xml.Linq;
using Harness.Testing.Fuzz;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// What the Alibaba fuzzer (EcsFuzzTests) found, each once a 500 (an InternalError, or Kestrel's empty 500), as a
/// direct reproduction: raw bytes on the ECS port, so that framing and encoding are exactly as found.
/// </summary>
public sealed class EcsBadInputTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Theory]
    [InlineData("multipart/form-data; boundary=x", RawRequest.Framing.ContentLength)] // IOException: the multipart body ends inside a section
    [InlineData("application/x-www-form-urlencoded", RawRequest.Framing.ChunkHugeSize)] // IOException: "Bad chunk size data."
    public async Task MalformedBody_Is400InvalidParameter(string contentType, RawRequest.Framing framing)
    {
        var body = "Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou&Format=JSON"u8.ToArray();
        var (status, text) = await SendAsync(RawRequest.Build("POST", "/", "127.0.0.1", [("Content-Type", contentType)], body, framing));

        // The body's Format=JSON is never read: the error is in Alibaba's default format, XML.
        Assert.Equal(400, status);
        Assert.Equal("InvalidParameter", XElement.Parse(text).Element("Code")?.Value);
    }

    [Fact]
    public async Task XmlReply_EchoingACharacterXmlCannotCarry_ShowsItAsReplacement()
    {
        // No Format and no x-acs-action: XML. The unknown id comes back in the NotFound message.
        var (status, text) = await SendAsync(RawRequest.Build(
            "GET", "/?Action=DeleteInstances&Version=2014-05-26&RegionId=cn-hangzhou&InstanceId.1=a%00b", "127.0.0.1", [], [], RawRequest.Framing.ContentLength));

        Assert.Equal(404, status);
        var error = XElement.Parse(text);
        Assert.Equal("InvalidInstanceId.NotFound", error.Element("Code")?.Value);
        Assert.Contains("a\uFFFDb", error.Element("Message")?.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DescribeInstances", "InstanceIds")]
    [InlineData("DescribeNetworkInterfaces", "NetworkInterfaceId")]
    [InlineData("StartInstances", "InstanceId")]
    public async Task JsonArrayList_WithANullItem_Is400InvalidParameter(string action, string list)
    {
        // ArgumentNullException once the null reached a dictionary lookup (also SecurityGroupIds of CreateNetworkInterface and RunInstances).
        var query = $"/?Action={action}&Version=2014-05-26&RegionId=cn-hangzhou&Format=JSON&{list}=%5Bnull%5D";
        var (status, text) = await SendAsync(RawRequest.Build("GET", query, "127.0.0.1", [], [], RawRequest.Framing.ContentLength));

        Assert.Equal(400, status);
        Assert.Contains("\"Code\":\"InvalidParameter\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeclaredBodyOverOneMebibyte_Is413WithoutWaitingForIt()
    {
        // Found by the fuzzer's author by hand: without a cap the handler waited for the body, then Kestrel timed it out (408).
        var head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000071\r\n\r\n"
            + "Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou&Format=JSON";
        var (status, text) = await SendAsync(Encoding.ASCII.GetBytes(head));

        Assert.Equal(413, status);
        Assert.Equal("InvalidParameter", XElement.Parse(text).Element("Code")?.Value);
    }

    [Fact]
    public async Task BodyThatCannotBeRead_ErrorComesInTheFormatTheQueryAsked()
    {
        // The body is never parsed, so only the query says Format=JSON: the error follows it, not the default XML.
        var head = "POST /?Format=JSON HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000071\r\n\r\n"
            + "Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou";
        var (status, text) = await SendAsync(Encoding.ASCII.GetBytes(head));

        Assert.Equal(413, status);
        Assert.Contains("\"Code\":\"InvalidParameter\"", text, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Body)> SendAsync(byte[] request)
    {
        var (outcome, reply, _) = await RawExchange.ExchangeAsync(new IPEndPoint(IPAddress.Loopback, server.EcsAddress.Port), request, TimeSpan.FromSeconds(15), 1 << 20);
        var text = Encoding.UTF8.GetString(reply);
        return (outcome.Status, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
