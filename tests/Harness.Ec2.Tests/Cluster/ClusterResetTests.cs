using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// POST /_harness/reset in a cluster, through any process: every process's world is emptied (resources, metadata,
/// faults, propagation settings back to the start), and afterwards writes on one process are read on every other,
/// a process that joins after the reset included.
/// </summary>
public sealed class ClusterResetTests : IAsyncLifetime
{
    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AResetThroughOneProcess_EmptiesEveryProcess_AndTheNewWorldIsSharedAsTheOldWas()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        var (ec2A, ec2B) = (ClusterEc2.Client(a), ClusterEc2.Client(b));
        var instance = (await ClusterEc2.LaunchAsync(ec2A, await ClusterEc2.SubnetAsync(ec2A, "10.13.0.0/16"))).InstanceId;
        using var onA = new HttpClient { BaseAddress = a.Ec2Url };
        using var onB = new HttpClient { BaseAddress = b.Ec2Url };
        (await onA.PostAsJsonAsync("/_harness/faults", new { spec = "ec2-latency(delay=fixed(1ms))" })).EnsureSuccessStatusCode();
        (await onA.PutAsync("/_harness/propagation", new StringContent("""{"imds":"never"}""", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        using var reset = await onB.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        foreach (var (http, ec2) in new[] { (onA, ec2A), (onB, ec2B) })
        {
            Assert.Empty((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs ?? []);
            Assert.Empty((await ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations ?? []);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/_harness/instances/{instance}")).StatusCode);
            using var faults = JsonDocument.Parse(await http.GetStringAsync("/_harness/faults"));
            Assert.Empty(faults.RootElement.GetProperty("faults").EnumerateArray());
            using var settings = JsonDocument.Parse(await http.GetStringAsync("/_harness/propagation"));
            Assert.Equal("lognormal(median=2s,p99=20s)", settings.RootElement.GetProperty("imds").GetString());
        }

        // The new world: written on one process, read at once on the other, and by a process that joins now.
        var vpc = (await ec2B.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.14.0.0/16" })).Vpc.VpcId;
        Assert.Single((await ec2A.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc] })).Vpcs);
        var c = ClusterEc2.Client(await cluster.StartAsync("blue"));
        Assert.Single((await c.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc] })).Vpcs);
        var fromC = (await c.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.15.0.0/16" })).Vpc.VpcId;
        Assert.Single((await ec2A.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [fromC] })).Vpcs);
        Assert.Single((await ec2B.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [fromC] })).Vpcs);
    }

    [Fact]
    public async Task AResetWhileWritesRunOnEveryProcess_FailsNoneWith5xx()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        var clients = new[] { ClusterEc2.Client(a), ClusterEc2.Client(b) };
        using var stop = new CancellationTokenSource();
        var serverErrors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var done = 0;

        // Four writers, each making and deleting VPCs through both processes in turn; a VPC a reset emptied is NotFound (4xx).
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var vpc = (await clients[i % 2].CreateVpcAsync(new CreateVpcRequest { CidrBlock = $"10.{20 + w}.0.0/16" })).Vpc.VpcId;
                    await clients[(i + 1) % 2].DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpc });
                    Interlocked.Increment(ref done);
                }
                catch (AmazonEC2Exception error) when ((int)error.StatusCode < 500)
                {
                }
                catch (Exception error)
                {
                    serverErrors.Add($"{error.GetType().Name}: {error.Message}");
                }
            }
        })).ToArray();
        await Task.Delay(500);
        using var onB = new HttpClient { BaseAddress = b.Ec2Url };
        using var reset = await onB.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));
        var afterReset = Volatile.Read(ref done);
        while (Volatile.Read(ref done) < afterReset + 8)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(serverErrors);
    }
}
