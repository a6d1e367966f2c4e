using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>
/// The harness's <c>ec2-throttle</c> fault (EC2's token buckets, RequestLimitExceeded with HTTP 503) against the SDK's
/// default retry mode, which counts RequestLimitExceeded as throttling and retries it with back-off.
/// </summary>
public sealed class ThrottlingTests(SdkHarness harness) : IClassFixture<SdkHarness>
{
    [Fact]
    public async Task TheDefaultRetryMode_RidesOutAnEmptyBucket_AndEveryCallSucceeds()
    {
        var fault = await harness.AddFaultAsync("ec2-throttle(capacity=1, refill=4, action=DescribeAvailabilityZones)");
        try
        {
            var http = new CountingHttpClientFactory();
            using var ec2 = harness.Client(maxErrorRetry: 5, http);

            for (var i = 0; i < 6; i++)
            {
                var zones = await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest());
                Assert.NotEmpty(zones.AvailabilityZones);
            }

            var refused = http.Statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
            Assert.True(refused >= 1, $"six calls from a one-token bucket refilled at 4/s must meet an empty bucket: [{string.Join(", ", http.Statuses)}]");
            Assert.Equal(6, http.Statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(refused, await harness.TouchedAsync(fault));
        }
        finally
        {
            await harness.RemoveFaultAsync(fault);
        }
    }

    [Fact]
    public async Task WithoutRetries_RequestLimitExceeded503_Surfaces()
    {
        var fault = await harness.AddFaultAsync("ec2-throttle(capacity=1, refill=0.01, action=DescribeAvailabilityZones)");
        try
        {
            using var ec2 = harness.Client(maxErrorRetry: 0);
            await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest());

            var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest()));

            Assert.Equal("RequestLimitExceeded", error.ErrorCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
            Assert.Equal(1, await harness.TouchedAsync(fault));
            // Other actions draw from other buckets.
            Assert.Equal(HttpStatusCode.OK, (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).HttpStatusCode);
        }
        finally
        {
            await harness.RemoveFaultAsync(fault);
        }
    }
}
