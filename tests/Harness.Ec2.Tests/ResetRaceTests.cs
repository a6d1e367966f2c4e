using System.Net;
using Harness.ControlPlane;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Host;
using Harness.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ec2.Tests;

/// <summary>
/// A reset racing EC2 requests: each request lands wholly before or wholly after it, so no write acknowledged after the
/// reset is lost and nothing begun before it (an instance, its metadata, its vCPUs) shows up in the world after it.
/// </summary>
public sealed class ResetRaceTests : IAsyncLifetime
{
    private HarnessServer server = null!;

    public async Task InitializeAsync() => server = await HarnessServer.StartAsync(new HarnessHostOptions(Seed: 7));

    public Task DisposeAsync() => server.DisposeAsync();

    [Fact]
    public async Task Reset_WhileAWriteIsInside_WaitsForItsReplyThenEmptiesTheWorld()
    {
        var services = server.Services;
        var subnet = await Protocol.TopologyBuilder.SubnetAsync(server, "10.1.0.0/16", "10.1.0.0/24");
        var run = await server.OkAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-12345678", ["InstanceType"] = "t3.micro", ["MinCount"] = "1", ["MaxCount"] = "1", ["SubnetId"] = subnet,
        });
        var instanceId = run.Descendants(HarnessServer.Ec2 + "instanceId").First().Value;
        var taps = services.GetRequiredService<ClientTaps>();
        var gate = services.GetRequiredService<WorldGate>();
        var tap = taps.Register("held", instanceId)!;
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        taps.BeforeRecord = async () =>
        {
            parked.TrySetResult();
            await release.Task;
        };

        // The VPC is created, then the call parks before its reply goes out.
        using var create = Ec2QueryRequest.Create("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.0.0.0/16" }, "us-east-1");
        create.RequestUri = new Uri(server.BaseAddress, $"/_harness/clients/{tap.Id}/ec2");
        var reply = server.Http.SendAsync(create);
        await parked.Task.WaitAsync(ControlPlaneTimeouts.HangGuard);
        Assert.Equal(2, services.GetRequiredService<RegionDirectory>().Get("us-east-1").Vpcs.Count);

        var reset = server.ResetAsync();
        await UntilAsync(() => gate.Inside == 1 && gate.Closed, "the reset to close the gate while the write is inside");
        Assert.False(reset.IsCompleted, "the reset finished while a request was still inside");

        release.SetResult();
        using var created = await reply.WaitAsync(ControlPlaneTimeouts.HangGuard);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var done = await reset.WaitAsync(ControlPlaneTimeouts.HangGuard);
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);

        // Acknowledged before the reset finished, so the reset took it; the next call is in the new world.
        var described = await server.OkAsync("DescribeVpcs");
        Assert.Empty(described.Descendants(HarnessServer.Ec2 + "vpcId"));
    }

    [Fact]
    public async Task Resets_RacingLaunches_LeaveNoGhostInstanceMetadataOrVcpus()
    {
        var services = server.Services;
        using var stop = new CancellationTokenSource();
        var launched = 0;

        async Task LaunchLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                // The topology may vanish under a reset at any point: only whole launches are counted.
                var (vpcStatus, vpc) = await server.CallAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = "10.0.0.0/16" });
                if (vpcStatus != HttpStatusCode.OK)
                {
                    continue;
                }

                var vpcId = vpc.Descendants(HarnessServer.Ec2 + "vpcId").First().Value;
                var (subnetStatus, subnet) = await server.CallAsync(
                    "CreateSubnet", new Dictionary<string, string> { ["VpcId"] = vpcId, ["CidrBlock"] = "10.0.1.0/24" });
                if (subnetStatus != HttpStatusCode.OK)
                {
                    continue;
                }

                var subnetId = subnet.Descendants(HarnessServer.Ec2 + "subnetId").First().Value;
                var (runStatus, _) = await server.CallAsync("RunInstances", new Dictionary<string, string>
                {
                    ["ImageId"] = "ami-12345678", ["InstanceType"] = "t3.micro", ["MinCount"] = "1", ["MaxCount"] = "3", ["SubnetId"] = subnetId,
                });
                if (runStatus == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref launched);
                }
            }
        }

        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(LaunchLoopAsync)).ToArray();
        for (var i = 0; i < 30; i++)
        {
            using var reset = await server.ResetAsync();
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(ControlPlaneTimeouts.HangGuard);
        Assert.True(launched > 0, "no launch got through between the resets: the race was not exercised");

        using var last = await server.ResetAsync();
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);

        var described = await server.OkAsync("DescribeInstances");
        Assert.Empty(described.Descendants(HarnessServer.Ec2 + "instanceId"));
        Assert.Equal(0, services.GetRequiredService<MetadataPropagation>().InstanceCount);
        Assert.Equal(0, services.GetRequiredService<VcpuLedger>().InUse("us-east-1"));
        Assert.Empty(services.GetRequiredService<RegionDirectory>().All.SelectMany(r => r.NetworkInterfaces.Keys));
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(ControlPlaneTimeouts.HangGuard);
        while (!condition())
        {
            Assert.False(guard.IsCancellationRequested, $"Still waiting for: {what}");
            await Task.Delay(1, CancellationToken.None);
        }
    }

    private static class ControlPlaneTimeouts
    {
        /// <summary>Bounds every wait; it only turns a hang into a failure.</summary>
        public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    }
}
