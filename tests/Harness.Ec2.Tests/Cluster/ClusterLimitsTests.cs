using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// The account's limits and ClientTokens across the processes of a cluster, through the AWS SDK for .NET with retries
/// off: the vCPU quota is the cluster's, not each process's, and a token used on one process is the same token on another.
/// </summary>
public sealed class ClusterLimitsTests : IAsyncLifetime
{
    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task TheVcpuQuota_IsTheClusters_NotEachProcesss()
    {
        // Room for two t3.micro (2 vCPUs each) in the whole cluster.
        var (a, b) = (ClusterEc2.Client(await cluster.StartAsync("blue", "--vcpu-limit", "4")), ClusterEc2.Client(await cluster.StartAsync("blue", "--vcpu-limit", "4")));
        var subnet = await ClusterEc2.SubnetAsync(a, "10.10.0.0/16");

        var first = (await ClusterEc2.LaunchAsync(a, subnet)).InstanceId;
        await ClusterEc2.LaunchAsync(b, subnet);
        var onA = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ClusterEc2.LaunchAsync(a, subnet));
        var onB = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ClusterEc2.LaunchAsync(b, subnet));
        await b.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [first] });
        var third = (await ClusterEc2.LaunchAsync(a, subnet)).InstanceId;

        Assert.Equal("VcpuLimitExceeded", onA.ErrorCode);
        Assert.Equal("VcpuLimitExceeded", onB.ErrorCode);
        Assert.StartsWith("i-", third, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientToken_IsTheClusters_ARetryOnAnotherProcessReplaysTheFirstCall()
    {
        var (a, b) = (ClusterEc2.Client(await cluster.StartAsync("blue")), ClusterEc2.Client(await cluster.StartAsync("blue")));
        var subnet = await ClusterEc2.SubnetAsync(a, "10.10.0.0/16");

        var launched = (await ClusterEc2.LaunchAsync(a, subnet, token: "retry-me")).InstanceId;
        var replayed = (await ClusterEc2.LaunchAsync(b, subnet, token: "retry-me")).InstanceId;
        var mismatch = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ClusterEc2.LaunchAsync(b, subnet, token: "retry-me", type: InstanceType.T3Small));

        // Six repeats at once, through both processes: one launch, one answer.
        var together = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i => (await ClusterEc2.LaunchAsync(i % 2 == 0 ? a : b, subnet, token: "all-at-once")).InstanceId));
        var interfaces = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i => (await (i % 2 == 0 ? a : b).CreateNetworkInterfaceAsync(
            new CreateNetworkInterfaceRequest { SubnetId = subnet, ClientToken = "one-eni" })).NetworkInterface.NetworkInterfaceId));

        Assert.Equal(launched, replayed);
        Assert.Equal("IdempotentParameterMismatch", mismatch.ErrorCode);
        Assert.Single(together.Distinct());
        Assert.Single(interfaces.Distinct());
        var instances = (await b.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations.SelectMany(r => r.Instances).ToList();
        Assert.Equal(2, instances.Count);
        Assert.Equal(new[] { launched, together[0] }.Order(StringComparer.Ordinal), instances.Select(i => i.InstanceId).Order(StringComparer.Ordinal));
    }
}
