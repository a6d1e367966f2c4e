using Harness.Ec2.Protocol.Signing;

namespace Harness.Ec2.Tests.Protocol.Signing;

/// <summary>
/// The canonical pieces against AWS's published SigV4 examples: the IAM ListUsers walk-through of the "Signature
/// Version 4 signing process" page and cases of the SigV4 test suite (inputs written out here from the docs).
/// </summary>
public sealed class SigV4CanonicalTests
{
    private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void IamListUsersExample_HashesAndSignsAsTheDocsShow()
    {
        string[] signed = ["content-type", "host", "x-amz-date"];
        var headers = new Dictionary<string, string[]>
        {
            ["content-type"] = ["application/x-www-form-urlencoded; charset=utf-8"],
            ["host"] = ["iam.amazonaws.com"],
            ["x-amz-date"] = ["20150830T123600Z"],
        };

        var canonical = SigV4Canonical.CanonicalRequest(
            "GET", SigV4Canonical.CanonicalUri("/"), SigV4Canonical.CanonicalQuery("?Version=2010-05-08&Action=ListUsers"),
            SigV4Canonical.CanonicalHeaders(signed, name => headers.GetValueOrDefault(name)), string.Join(';', signed), SigV4Canonical.HexSha256([]));
        var stringToSign = SigV4Canonical.StringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical);

        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\n"
            + "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" + EmptyHash,
            canonical);
        Assert.EndsWith("\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", stringToSign, StringComparison.Ordinal);
        Assert.Equal(
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            SigV4Canonical.Signature(ExampleSecret, "20150830", "us-east-1", "iam", stringToSign));
    }

    [Fact]
    public void TestSuiteGetVanilla_Signature()
    {
        string[] signed = ["host", "x-amz-date"];
        var headers = new Dictionary<string, string[]> { ["host"] = ["example.amazonaws.com"], ["x-amz-date"] = ["20150830T123600Z"] };
        var canonical = SigV4Canonical.CanonicalRequest(
            "GET", "/", "", SigV4Canonical.CanonicalHeaders(signed, name => headers.GetValueOrDefault(name)), "host;x-amz-date", EmptyHash);

        var signature = SigV4Canonical.Signature(
            ExampleSecret, "20150830", "us-east-1", "service", SigV4Canonical.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical));

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/./", "/")] // get-slash-dot-slash
    [InlineData("/./example", "/example")] // get-slash-pointless-dot
    [InlineData("/example/..", "/")] // get-relative
    [InlineData("/example1/example2/../..", "/")] // get-relative-relative
    [InlineData("/example space/", "/example%20space/")] // get-space
    [InlineData("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] // get-unreserved
    [InlineData("/\u1234", "/%E1%88%B4")] // get-utf8
    [InlineData("/_harness/clients/client-1/ec2", "/_harness/clients/client-1/ec2")]
    [InlineData("/a%2Fb", "/a%252Fb")] // a sent escape is encoded once more (every service but S3)
    public void CanonicalUri_NormalisesAndEncodes(string path, string expected) =>
        Assert.Equal(expected, SigV4Canonical.CanonicalUri(path));

    [Theory]
    [InlineData("?Param2=value2&Param1=value1", "Param1=value1&Param2=value2")] // get-vanilla-query-order-key
    [InlineData("?Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2")] // get-vanilla-query-order-value
    [InlineData("?Param1=value1&param1=value2", "Param1=value1&param1=value2")] // get-vanilla-query-order-key-case
    [InlineData("?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] // get-vanilla-query-unreserved
    [InlineData("?\u1234=bar", "%E1%88%B4=bar")] // get-vanilla-utf8-query
    [InlineData("?Value=a%20b%2Fc&Empty", "Empty=&Value=a%20b%2Fc")]
    [InlineData("?Value=a+b%2Bc", "Value=a%20b%2Bc")] // botocore sends a space as '+' and signs it as %20
    [InlineData("", "")]
    public void CanonicalQuery_SortsAndEncodes(string query, string expected) =>
        Assert.Equal(expected, SigV4Canonical.CanonicalQuery(query));

    [Fact]
    public void CanonicalQuery_LeavesOutThePresignedSignature() =>
        Assert.Equal("Action=DescribeVpcs&X-Amz-Date=20261121T120000Z", SigV4Canonical.CanonicalQuery("Action=DescribeVpcs&X-Amz-Signature=ab12&X-Amz-Date=20261121T120000Z", "X-Amz-Signature"));

    [Fact]
    public void CanonicalHeaders_TrimCollapseAndJoinRepeats()
    {
        // get-header-value-trim and get-header-key-duplicate of the test suite.
        var headers = new Dictionary<string, string[]>
        {
            ["my-header1"] = [" value1 "],
            ["my-header2"] = ["\"a   b   c\""],
            ["my-header3"] = ["value2", "value1", "value4"],
        };

        var canonical = SigV4Canonical.CanonicalHeaders(["my-header1", "my-header2", "my-header3"], name => headers.GetValueOrDefault(name));

        Assert.Equal("my-header1:value1\nmy-header2:\"a b c\"\nmy-header3:value2,value1,value4\n", canonical);
    }
}
