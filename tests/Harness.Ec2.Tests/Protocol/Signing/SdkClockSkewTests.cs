using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Ec2.Tests.Protocol.Signing;

/// <summary>A harness clock more than 15 minutes from the SDK's: RequestExpired, either way; within 15 minutes, served.</summary>
public sealed class SdkClockSkewTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(-16)]
    public async Task AClockOffByMoreThan15Minutes_IsRequestExpired400(int minutes)
    {
        var harness = new SigningHarness(TimeSpan.FromMinutes(minutes));
        await harness.InitializeAsync();
        try
        {
            using var ec2 = SdkSignatureTests.Client(harness.Ec2Url, SigningHarness.AccessKey, SigningHarness.Secret);

            var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()));

            Assert.Equal("RequestExpired", error.ErrorCode);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
            Assert.Equal("Request has expired.", error.Message);
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task AClockOffBy10Minutes_IsServed()
    {
        var harness = new SigningHarness(TimeSpan.FromMinutes(10));
        await harness.InitializeAsync();
        try
        {
            using var ec2 = SdkSignatureTests.Client(harness.Ec2Url, SigningHarness.AccessKey, SigningHarness.Secret);

            Assert.Equal(System.Net.HttpStatusCode.OK, (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).HttpStatusCode);
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }
}
