using System.Text.Json;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// The Alibaba port parses both signature styles (ALIBABA.md §1.2, §1.3): a whole signature is served whatever its value
/// (verification is not done), a partial one is <c>IncompleteSignature</c> (400), and no signature at all is served.
/// The real clients' signatures are exercised by tests/conformance/alibaba.
/// </summary>
public sealed class EcsSignatureTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    private const string Query = "?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou&Format=JSON";

    private const string HmacSha1 =
        "&AccessKeyId=testid&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=3ee8c1b8&Timestamp=2026-12-08T01:02:03Z"
        + "&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D";

    private const string Acs3 =
        "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        + "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    [Fact]
    public async Task Unsigned_IsServed()
    {
        var (status, code) = await SendAsync(Query, null);

        Assert.Equal((200, null), (status, code));
    }

    [Fact]
    public async Task WholeHmacSha1Signature_IsServed_WhateverItsValue()
    {
        var (status, code) = await SendAsync(Query + HmacSha1, null);

        Assert.Equal((200, null), (status, code));
    }

    [Theory]
    [InlineData("SignatureMethod=HMAC-SHA1", "SignatureMethod=HMAC-SHA256")]
    [InlineData("SignatureVersion=1.0", "SignatureVersion=2.0")]
    [InlineData("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D", "Signature=not-base64")]
    [InlineData("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D", "Signature=AAAA")] // Base64, but 3 bytes, not an HMAC-SHA1
    [InlineData("&AccessKeyId=testid", "")]
    [InlineData("&SignatureNonce=3ee8c1b8", "")]
    [InlineData("Timestamp=2026-12-08T01:02:03Z", "Timestamp=yesterday")]
    [InlineData("&Timestamp=2026-12-08T01:02:03Z", "")]
    public async Task PartialHmacSha1Signature_IsIncompleteSignature(string part, string replacement)
    {
        var (status, code) = await SendAsync(Query + HmacSha1.Replace(part, replacement, StringComparison.Ordinal), null);

        Assert.Equal((400, "IncompleteSignature"), (status, code));
    }

    [Fact]
    public async Task WholeAcs3Signature_IsServed_WhateverItsValue()
    {
        var (status, code) = await SendAsync(Query, Acs3);

        Assert.Equal((200, null), (status, code));
    }

    [Theory]
    [InlineData("ACS3-HMAC-SHA256 ", "AWS4-HMAC-SHA256 ")] // another cloud's algorithm
    [InlineData("Credential=testid,", "")]
    [InlineData(",Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0", "")]
    [InlineData("Signature=06563a9e", "Signature=zz563a9e")] // not hexadecimal
    [InlineData("SignedHeaders=host;", "SignedHeaders=")] // host not signed
    [InlineData("x-acs-version,", "x-acs-version;x-acs-absent,")] // a signed header the request lacks
    public async Task PartialAcs3Signature_IsIncompleteSignature(string part, string replacement)
    {
        var (status, code) = await SendAsync(Query, Acs3.Replace(part, replacement, StringComparison.Ordinal));

        Assert.Equal((400, "IncompleteSignature"), (status, code));
    }

    [Theory]
    [InlineData("x-acs-date", "08/12/2026 01:02:03")]
    [InlineData("x-acs-date", null)]
    [InlineData("x-acs-signature-nonce", null)]
    public async Task Acs3Signature_WithoutItsDateOrNonce_IsIncompleteSignature(string header, string? value)
    {
        // The header is left out of SignedHeaders too, so that only the date or nonce itself is wrong.
        var authorization = value is null ? Acs3.Replace(";" + header, "", StringComparison.Ordinal) : Acs3;
        var (status, code) = await SendAsync(Query, authorization, (header, value));

        Assert.Equal((400, "IncompleteSignature"), (status, code));
    }

    private async Task<(int Status, string? Code)> SendAsync(string query, string? authorization, (string Name, string? Value)? change = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.EcsAddress, "/" + query));
        if (authorization is not null)
        {
            var headers = new Dictionary<string, string?>
            {
                ["x-acs-action"] = "DescribeVpcs",
                ["x-acs-version"] = "2016-04-28",
                ["x-acs-date"] = "2026-12-08T01:02:03Z",
                ["x-acs-signature-nonce"] = "5c5cc0c6-0e4b-4f6a-9d0b-2b6a3a1c6e8f",
            };
            if (change is { } c)
            {
                headers[c.Name] = c.Value;
            }

            foreach (var (name, value) in headers.Where(h => h.Value is not null))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await server.Http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, body.RootElement.TryGetProperty("Code", out var code) ? code.GetString() : null);
    }
}
