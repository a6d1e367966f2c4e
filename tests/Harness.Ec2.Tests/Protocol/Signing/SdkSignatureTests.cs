using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Harness.Ec2.Tests.Protocol.Signing;

/// <summary>
/// The AWS SDK for .NET (AWSSDK.EC2 4.1) against <c>serve --verify-signatures</c>: the right secret is served, a wrong
/// one, an unknown key, a clock off by more than 15 minutes and a body changed after signing are refused with EC2's errors.
/// </summary>
public sealed class SdkSignatureTests(SigningHarness harness) : IClassFixture<SigningHarness>
{
    [Theory]
    [InlineData(SigningHarness.AccessKey, SigningHarness.Secret)]
    [InlineData(SigningHarness.OtherKey, SigningHarness.OtherSecret)]
    public async Task TheRightSecret_IsServed(string key, string secret)
    {
        using var ec2 = Client(harness.Ec2Url, key, secret);

        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.61.0.0/16" })).Vpc.VpcId;

        var described = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc] });
        Assert.Equal(HttpStatusCode.OK, described.HttpStatusCode);
        Assert.Equal(vpc, Assert.Single(described.Vpcs).VpcId);
    }

    [Fact]
    public async Task AWrongSecret_IsSignatureDoesNotMatch403_AndChangesNothing()
    {
        using var ec2 = Client(harness.Ec2Url, SigningHarness.AccessKey, "not-the-secret");

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.62.0.0/16" }));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.StartsWith("The request signature we calculated does not match", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await CidrsAsync(), c => c == "10.62.0.0/16");
    }

    [Fact]
    public async Task AnUnknownKey_IsAuthFailure401()
    {
        using var ec2 = Client(harness.Ec2Url, "AKIDNOBODY", SigningHarness.Secret);

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()));

        Assert.Equal("AuthFailure", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("AWS was not able to validate the provided access credentials", error.Message);
    }

    [Fact]
    public async Task ABodyChangedAfterSigning_IsSignatureDoesNotMatch_AndChangesNothing()
    {
        var config = Config(harness.Ec2Url);
        config.HttpClientFactory = new TamperingFactory("10.63.0.0%2F16", "10.64.0.0%2F16");
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials(SigningHarness.AccessKey, SigningHarness.Secret), config);

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.63.0.0/16" }));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        var cidrs = await CidrsAsync();
        Assert.DoesNotContain("10.63.0.0/16", cidrs);
        Assert.DoesNotContain("10.64.0.0/16", cidrs);
    }

    [Fact]
    public async Task TheTappedClientPath_VerifiesThePathTheSdkSigned()
    {
        using var ec2 = Client(harness.Ec2Url, SigningHarness.AccessKey, SigningHarness.Secret);
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.65.0.0/16" })).Vpc.VpcId;
        var subnet = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.65.1.0/24" })).Subnet.SubnetId;
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678", MinCount = 1, MaxCount = 1, SubnetId = subnet, InstanceType = InstanceType.T3Micro,
        })).Reservation.Instances[0].InstanceId;
        using var http = new HttpClient { BaseAddress = new Uri(harness.Ec2Url) };
        using var registered = await http.PostAsJsonAsync("/_harness/clients", new { name = "sdk", instanceId = instance });
        var tapped = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement.GetProperty("ec2Endpoint").GetString()!;

        using var right = Client(tapped, SigningHarness.AccessKey, SigningHarness.Secret);
        using var wrong = Client(tapped, SigningHarness.AccessKey, "nope");

        Assert.Contains((await right.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs, v => v.VpcId == vpc);
        Assert.Equal("SignatureDoesNotMatch", (await Assert.ThrowsAsync<AmazonEC2Exception>(() => wrong.DescribeVpcsAsync(new DescribeVpcsRequest()))).ErrorCode);
    }

    [Fact]
    public async Task AnUnsignedRequest_IsAuthFailure401()
    {
        using var http = new HttpClient { BaseAddress = new Uri(harness.Ec2Url) };
        using var unsigned = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "CreateVpc", ["Version"] = "2016-11-15", ["CidrBlock"] = "10.66.0.0/16" });

        using var response = await http.PostAsync("/", unsigned);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("<Code>AuthFailure</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("10.66.0.0/16", await CidrsAsync());
    }

    [Fact]
    public async Task AFakeSignature_IsRefused_WhereTheDefaultHarnessWouldServeIt()
    {
        using var http = new HttpClient { BaseAddress = new Uri(harness.Ec2Url) };
        using var request = Harness.Testing.Ec2QueryRequest.Create("DescribeVpcs");
        request.Headers.Authorization = null;
        request.Headers.TryAddWithoutValidation(
            "Authorization", $"AWS4-HMAC-SHA256 Credential={SigningHarness.AccessKey}/20261121/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00");

        using var response = await http.SendAsync(request);

        // No X-Amz-Date header: the signature is incomplete before it is wrong.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>IncompleteSignature</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static AmazonEC2Config Config(string serviceUrl) => new()
    {
        ServiceURL = serviceUrl,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0,
    };

    internal static AmazonEC2Client Client(string serviceUrl, string key, string secret) =>
        new(new BasicAWSCredentials(key, secret), Config(serviceUrl));

    private async Task<List<string>> CidrsAsync()
    {
        using var ec2 = Client(harness.Ec2Url, SigningHarness.AccessKey, SigningHarness.Secret);
        // SDK v4 leaves an empty list null.
        return [.. ((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs ?? []).Select(v => v.CidrBlock)];
    }

    /// <summary>An HTTP client for the SDK that rewrites the form body after the SDK signed it: a man in the middle.</summary>
    private sealed class TamperingFactory(string from, string to) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Tampering(from, to));

        private sealed class Tampering(string from, string to) : DelegatingHandler(new HttpClientHandler())
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var original = request.Content!;
                var body = await original.ReadAsStringAsync(cancellationToken);
                Assert.Contains(from, body, StringComparison.Ordinal);
                var changed = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Replace(from, to, StringComparison.Ordinal)));
                foreach (var header in original.Headers.Where(h => h.Key != "Content-Length"))
                {
                    changed.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = changed;
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
