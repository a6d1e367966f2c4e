using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Harness.Ec2.Tests.Hardening;

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
        var (a, b) = (Client(await cluster.StartAsync("blue", "--vcpu-limit", "4")), Client(await cluster.StartAsync("blue", "--vcpu-limit", "4")));
        var subnet = await SubnetAsync(a);

        var first = await LaunchAsync(a, subnet);
        await LaunchAsync(b, subnet);
        var onA = await Assert.ThrowsAsync<AmazonEC2Exception>(() => LaunchAsync(a, subnet));
        var onB = await Assert.ThrowsAsync<AmazonEC2Exception>(() => LaunchAsync(b, subnet));
        await b.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [first] });
        var third = await LaunchAsync(a, subnet);

        Assert.Equal("VcpuLimitExceeded", onA.ErrorCode);
        Assert.Equal("VcpuLimitExceeded", onB.ErrorCode);
        Assert.StartsWith("i-", third, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientToken_IsTheClusters_ARetryOnAnotherProcessReplaysTheFirstCall()
    {
        var (a, b) = (Client(await cluster.StartAsync("blue")), Client(await cluster.StartAsync("blue")));
        var subnet = await SubnetAsync(a);

        var launched = await LaunchAsync(a, subnet, token: "retry-me");
        var replayed = await LaunchAsync(b, subnet, token: "retry-me");
        var mismatch = await Assert.ThrowsAsync<AmazonEC2Exception>(() => LaunchAsync(b, subnet, token: "retry-me", type: InstanceType.T3Small));

        // Six repeats at once, through both processes: one launch, one answer.
        var together = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => LaunchAsync(i % 2 == 0 ? a : b, subnet, token: "all-at-once")));
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

    private static async Task<string> SubnetAsync(AmazonEC2Client ec2)
    {
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.10.0.0/16" })).Vpc.VpcId;
        return (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.10.1.0/24" })).Subnet.SubnetId;
    }

    private static async Task<string> LaunchAsync(AmazonEC2Client ec2, string subnet, string? token = null, string? type = null) =>
        Assert.Single((await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678", InstanceType = type ?? InstanceType.T3Micro, MinCount = 1, MaxCount = 1, SubnetId = subnet, ClientToken = token,
        })).Reservation.Instances).InstanceId;

    private static AmazonEC2Client Client(ServeProcess process) =>
        new(new BasicAWSCredentials("AKIDEXAMPLE", "harness-secret"), new AmazonEC2Config
        {
            ServiceURL = process.Ec2Url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0,
        });
}
