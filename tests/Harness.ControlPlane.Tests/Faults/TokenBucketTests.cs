using Harness.ControlPlane.Faults;

namespace Harness.ControlPlane.Tests.Faults;

public sealed class TokenBucketTests
{
    private const long Start = 1_000 * TimeSpan.TicksPerSecond;

    [Fact]
    public void TryTake_FreshBucket_TakesCapacityThenRefuses()
    {
        var bucket = new TokenBucket(5, 2, Start);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(Start), $"take {i + 1} of 5");
        }

        Assert.False(bucket.TryTake(Start));
        Assert.False(bucket.TryTake(Start));
        Assert.Equal(0, bucket.Available(Start));
    }

    [Fact]
    public void Available_FreshBucket_IsCapacity()
    {
        var bucket = new TokenBucket(100, 20, Start);

        Assert.Equal(100, bucket.Available(Start));
        Assert.Equal(100, bucket.Capacity);
        Assert.Equal(20, bucket.RefillPerSecond);
    }

    [Fact]
    public void TryTake_Refusal_TakesNothing()
    {
        var bucket = new TokenBucket(1, 2, Start);
        Assert.True(bucket.TryTake(Start));

        Assert.False(bucket.TryTake(Start + TimeSpan.FromMilliseconds(250).Ticks));

        Assert.Equal(0.5, bucket.Available(Start + TimeSpan.FromMilliseconds(250).Ticks));
    }

    [Fact]
    public void TryTake_FractionalRefillOverTicks_AccumulatesToOneToken()
    {
        var bucket = new TokenBucket(5, 2, Start);
        for (var i = 0; i < 5; i++)
        {
            bucket.TryTake(Start);
        }

        var quarter = TimeSpan.FromMilliseconds(250).Ticks;

        Assert.False(bucket.TryTake(Start + quarter));
        Assert.Equal(0.5, bucket.Available(Start + quarter));
        Assert.True(bucket.TryTake(Start + (2 * quarter)));
        Assert.Equal(0, bucket.Available(Start + (2 * quarter)));
        Assert.False(bucket.TryTake(Start + (3 * quarter)));
        Assert.True(bucket.TryTake(Start + (4 * quarter)));
    }

    [Fact]
    public void Available_OneTick_AddsRefillPerTick()
    {
        var bucket = new TokenBucket(10, 5, Start);
        for (var i = 0; i < 10; i++)
        {
            bucket.TryTake(Start);
        }

        Assert.Equal(5.0 / TimeSpan.TicksPerSecond, bucket.Available(Start + 1), 15);
        Assert.Equal(0.5, bucket.Available(Start + (TimeSpan.TicksPerSecond / 10)), 12);
        Assert.Equal(5, bucket.Available(Start + TimeSpan.TicksPerSecond), 12);
    }

    [Fact]
    public void Available_LongIdle_NeverAboveCapacity()
    {
        var bucket = new TokenBucket(5, 2, Start);
        bucket.TryTake(Start);

        Assert.Equal(5, bucket.Available(Start + TimeSpan.FromHours(1).Ticks));
    }

    [Fact]
    public void TryTake_FullBucketIdle_DoesNotBankTokensBeyondCapacity()
    {
        var bucket = new TokenBucket(3, 1, Start);
        var later = Start + TimeSpan.FromMinutes(10).Ticks;

        Assert.Equal(3, bucket.Available(later));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(bucket.TryTake(later));
        }

        Assert.False(bucket.TryTake(later));
    }

    [Fact]
    public void TryTake_TimeGoesBackwards_AddsNoTokens()
    {
        var bucket = new TokenBucket(2, 1, Start);
        var later = Start + TimeSpan.FromSeconds(10).Ticks;
        bucket.TryTake(later);
        bucket.TryTake(later);

        Assert.False(bucket.TryTake(Start));
        Assert.Equal(0, bucket.Available(Start));
        Assert.Equal(0, bucket.Available(later - 1));
        Assert.Equal(0, bucket.Available(later));
    }

    [Fact]
    public void TryTake_ClockReturnsAfterGoingBack_RefillsFromLatestTimeOnly()
    {
        var bucket = new TokenBucket(10, 1, Start);
        var later = Start + TimeSpan.FromSeconds(10).Ticks;
        for (var i = 0; i < 10; i++)
        {
            bucket.TryTake(later);
        }

        Assert.False(bucket.TryTake(Start + TimeSpan.FromSeconds(5).Ticks));

        Assert.Equal(1, bucket.Available(later + TimeSpan.TicksPerSecond), 12);
    }

    [Theory]
    [InlineData("AssignPrivateIpAddresses")]
    [InlineData("UnassignPrivateIpAddresses")]
    [InlineData("CreateNetworkInterface")]
    [InlineData("DeleteNetworkInterface")]
    [InlineData("ModifyNetworkInterfaceAttribute")]
    [InlineData("TerminateInstances")]
    public void BucketFor_NetworkMutation_Is100Refill5(string action)
    {
        Assert.Equal((action, 100.0, 5.0), Ec2Throttling.BucketFor(action, []));
    }

    [Theory]
    [InlineData("CreateTags")]
    [InlineData("DeleteTags")]
    public void BucketFor_Tagging_Is100Refill10(string action)
    {
        Assert.Equal((action, 100.0, 10.0), Ec2Throttling.BucketFor(action, ["ResourceId.1", "Tag.1.Key"]));
    }

    [Fact]
    public void BucketFor_RunInstances_Is5Refill2()
    {
        Assert.Equal(("RunInstances", 5.0, 2.0), Ec2Throttling.BucketFor("RunInstances", ["ImageId", "MinCount", "MaxCount"]));
    }

    [Theory]
    [InlineData("AllocateAddress")]
    [InlineData("AssociateAddress")]
    [InlineData("ModifyInstanceAttribute")]
    [InlineData("StopInstances")]
    [InlineData("describeInstances")]
    public void BucketFor_OtherMutating_Is50Refill5(string action)
    {
        Assert.Equal((action, 50.0, 5.0), Ec2Throttling.BucketFor(action, []));
    }

    [Theory]
    [InlineData("DescribeSubnets")]
    [InlineData("DescribeAddresses")]
    [InlineData("DescribeInstanceStatus")]
    [InlineData("GetConsoleOutput")]
    public void BucketFor_ReadUnfilteredButNotListing_Is100Refill20(string action)
    {
        Assert.Equal((action, 100.0, 20.0), Ec2Throttling.BucketFor(action, []));
    }

    [Theory]
    [InlineData("DescribeInstances")]
    [InlineData("DescribeNetworkInterfaces")]
    public void BucketFor_ListingWithoutParameters_UsesUnfilteredBucket50Refill10(string action)
    {
        Assert.Equal(($"{action} (unfiltered)", 50.0, 10.0), Ec2Throttling.BucketFor(action, []));
    }

    [Theory]
    [InlineData("DescribeInstances", "DryRun")]
    [InlineData("DescribeNetworkInterfaces", "Action")]
    [InlineData("DescribeInstances", "Filter")]
    [InlineData("DescribeInstances", "InstanceId")]
    [InlineData("DescribeInstances", "maxresults")]
    public void BucketFor_ListingWithNonNarrowingParameter_UsesUnfilteredBucket(string action, string parameter)
    {
        Assert.Equal(($"{action} (unfiltered)", 50.0, 10.0), Ec2Throttling.BucketFor(action, [parameter]));
    }

    [Theory]
    [InlineData("DescribeInstances", "Filter.1.Name")]
    [InlineData("DescribeInstances", "MaxResults")]
    [InlineData("DescribeInstances", "NextToken")]
    [InlineData("DescribeInstances", "InstanceId.1")]
    [InlineData("DescribeNetworkInterfaces", "NetworkInterfaceId.1")]
    [InlineData("DescribeNetworkInterfaces", "Filter.2.Value.1")]
    public void BucketFor_ListingNarrowed_UsesActionBucket100Refill20(string action, string parameter)
    {
        Assert.Equal((action, 100.0, 20.0), Ec2Throttling.BucketFor(action, ["DryRun", parameter]));
    }
}
