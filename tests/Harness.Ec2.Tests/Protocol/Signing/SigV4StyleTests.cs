using System.Text;
using Harness.Domain.Errors;
using Harness.Ec2.Protocol.Signing;
using Microsoft.AspNetCore.Http;

namespace Harness.Ec2.Tests.Protocol.Signing;

/// <summary>
/// The verifier against requests botocore 1.43 signed (SigV4Auth and SigV4QueryAuth with its clock fixed at
/// 2026-11-21T12:00:00Z; the Authorization values and the presigned URL below are its output), and what it refuses.
/// </summary>
public sealed class SigV4StyleTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Scope = "AKIDEXAMPLE/20261121/us-east-1/ec2/aws4_request";
    private const string DescribeVpcsBody = "Action=DescribeVpcs&Version=2016-11-15";
    private const string DescribeVpcsSignature = "a6f348d897b52decb80c7fc7c527f0a6d5e73fad3e4391ce99c2ced0f09f16ae";
    private const string TappedBody = "Action=CreateTags&ResourceId.1=vpc-1&Tag.1.Key=Name&Tag.1.Value=caf%C3%A9%20%26%20b%C3%A4r&Version=2016-11-15";
    private const string TappedSignature = "589d86ec31b5ecb385e35224c8c5fa89d0dd7f0ff5d2b293226758e15d1485d2";
    private const string PresignedQuery =
        "?Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=a%20b%2Fc&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        + "&X-Amz-Credential=AKIDEXAMPLE%2F20261121%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-Date=20261121T120000Z&X-Amz-Expires=300"
        + "&X-Amz-SignedHeaders=host&X-Amz-Signature=81357c55e8cd14e3f713099b034e39b7c0871183284997d94bcfd40346a5e145";

    private static readonly DateTimeOffset SignedAt = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> Known = new() { ["AKIDEXAMPLE"] = Secret, ["AKIDOTHER"] = "other" };

    private readonly SigV4Style style = new();

    [Fact]
    public void BotocoreSignedPost_IsAccepted()
    {
        var request = Post("/", DescribeVpcsBody, DescribeVpcsSignature);

        Assert.True(style.Recognises(request));
        style.Verify(request, Known, SignedAt.AddSeconds(3));
    }

    [Fact]
    public void BotocoreSignedPostToTheTappedPath_IsAcceptedThere_AndNotAtTheRoot()
    {
        style.Verify(Post("/_harness/clients/client-1/ec2", TappedBody, TappedSignature), Known, SignedAt);

        AssertError("SignatureDoesNotMatch", 403, () => style.Verify(Post("/", TappedBody, TappedSignature), Known, SignedAt));
    }

    [Fact]
    public void BotocorePresignedGet_IsAcceptedUntilItExpires()
    {
        style.Verify(Presigned(PresignedQuery), Known, SignedAt.AddSeconds(299));

        AssertError("RequestExpired", 400, () => style.Verify(Presigned(PresignedQuery), Known, SignedAt.AddSeconds(301)));
    }

    [Fact]
    public void PresignedWithAChangedParameter_DoesNotMatch() =>
        AssertError("SignatureDoesNotMatch", 403, () => style.Verify(Presigned(PresignedQuery.Replace("a%20b%2Fc", "a%20b%2Fd", StringComparison.Ordinal)), Known, SignedAt));

    [Fact]
    public void PresignedWithoutItsDate_IsIncomplete()
    {
        var error = AssertError("IncompleteSignature", 400, () => style.Verify(Presigned(PresignedQuery.Replace("&X-Amz-Date=20261121T120000Z", "", StringComparison.Ordinal)), Known, SignedAt));

        Assert.Contains("X-Amz-Date", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherSecretForTheKey_DoesNotMatch()
    {
        var error = AssertError("SignatureDoesNotMatch", 403, () => style.Verify(Post("/", DescribeVpcsBody, DescribeVpcsSignature), new Dictionary<string, string> { ["AKIDEXAMPLE"] = "wrong" }, SignedAt));

        Assert.Equal(SigV4Errors.SignatureDoesNotMatchMessage, error.Message);
    }

    [Fact]
    public void AnUnknownAccessKey_IsAuthFailure401()
    {
        var error = AssertError("AuthFailure", 401, () => style.Verify(Post("/", DescribeVpcsBody, DescribeVpcsSignature), new Dictionary<string, string> { ["AKIDOTHER"] = Secret }, SignedAt));

        Assert.Equal("AWS was not able to validate the provided access credentials", error.Message);
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(16)]
    public void ADateMoreThan15MinutesFromTheClock_IsRequestExpired(int minutes) =>
        AssertError("RequestExpired", 400, () => style.Verify(Post("/", DescribeVpcsBody, DescribeVpcsSignature), Known, SignedAt.AddMinutes(-minutes)));

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public void ADateWithin15Minutes_IsAccepted(int minutes) =>
        style.Verify(Post("/", DescribeVpcsBody, DescribeVpcsSignature), Known, SignedAt.AddMinutes(-minutes));

    [Fact]
    public void ATamperedBody_DoesNotMatch() =>
        AssertError("SignatureDoesNotMatch", 403, () => style.Verify(Post("/", DescribeVpcsBody + "&DryRun=true", DescribeVpcsSignature), Known, SignedAt));

    [Fact]
    public void AContentHashThatIsNotTheBodys_DoesNotMatch()
    {
        var request = Post("/", DescribeVpcsBody, DescribeVpcsSignature);
        request.Headers["x-amz-content-sha256"] = SigV4Canonical.HexSha256("something else"u8);

        AssertError("SignatureDoesNotMatch", 403, () => style.Verify(request, Known, SignedAt));
    }

    [Fact]
    public void AHeaderMissingItsParts_IsIncomplete_NamingThem()
    {
        var request = Post("/", DescribeVpcsBody, DescribeVpcsSignature);
        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={Scope}";

        var error = AssertError("IncompleteSignature", 400, () => style.Verify(request, Known, SignedAt));

        Assert.StartsWith("Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACredentialNotOfFiveParts_IsIncomplete()
    {
        var request = Post("/", DescribeVpcsBody, DescribeVpcsSignature);
        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1, SignedHeaders=host, Signature={DescribeVpcsSignature}";

        var error = AssertError("IncompleteSignature", 400, () => style.Verify(request, Known, SignedAt));

        Assert.Contains("exactly 5 slash-delimited elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AScopeForAnotherService_DoesNotMatch()
    {
        var request = Post("/", DescribeVpcsBody, DescribeVpcsSignature);
        request.Headers.Authorization = request.Headers.Authorization.ToString().Replace("/ec2/", "/iam/", StringComparison.Ordinal);

        var error = AssertError("SignatureDoesNotMatch", 403, () => style.Verify(request, Known, SignedAt));

        Assert.Contains("'ec2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AScopeDateOtherThanTheRequestDate_DoesNotMatch()
    {
        var request = Post("/", DescribeVpcsBody, DescribeVpcsSignature);
        request.Headers.Authorization = request.Headers.Authorization.ToString().Replace("/20261121/", "/20261120/", StringComparison.Ordinal);

        var error = AssertError("SignatureDoesNotMatch", 403, () => style.Verify(request, Known, SignedAt));

        Assert.Contains("'20261120' != '20261121'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnsignedRequest_IsNotThisStylesToJudge() =>
        Assert.False(style.Recognises(new SignedRequest("POST", "/", "", new HeaderDictionary { ["Host"] = "127.0.0.1:4580" }, Encoding.UTF8.GetBytes(DescribeVpcsBody))));

    private static SignedRequest Post(string path, string body, string signature) => new(
        "POST",
        path,
        "",
        new HeaderDictionary
        {
            ["Host"] = "127.0.0.1:4580",
            ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["X-Amz-Date"] = "20261121T120000Z",
            ["Authorization"] = $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=content-type;host;x-amz-date, Signature={signature}",
        },
        Encoding.UTF8.GetBytes(body));

    private static SignedRequest Presigned(string query) => new("GET", "/", query, new HeaderDictionary { ["Host"] = "127.0.0.1:4580" }, []);

    private static Ec2Exception AssertError(string code, int status, Action verify)
    {
        var error = Assert.Throws<Ec2Exception>(verify);
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.StatusCode);
        return error;
    }
}
