using Harness.Domain.Catalog;

namespace Harness.Domain.Tests.Catalog;

public sealed class InstanceBucketsTests
{
    [Theory]
    [InlineData("t3.micro", "standard")]
    [InlineData("m5.xlarge", "standard")]
    [InlineData("c7g.large", "standard")]
    [InlineData("r6i.large", "standard")]
    [InlineData("p4d.24xlarge", "p")]
    [InlineData("trn1.32xlarge", "trn")]
    [InlineData("inf2.xlarge", "inf")]
    [InlineData("g5.xlarge", "g")]
    [InlineData("vt1.3xlarge", "g")]
    public void Of_InstanceType_GivesTheBucketItsQuotaCountsAgainst(string type, string bucket) =>
        Assert.Equal(bucket, InstanceBuckets.Of(type));
}
