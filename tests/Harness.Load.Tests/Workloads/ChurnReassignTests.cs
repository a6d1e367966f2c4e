using Harness.Domain.Clouds;
using Harness.Load.Engine;
using Harness.Load.Workloads;
using Harness.Runtime;

namespace Harness.Load.Tests.Workloads;

/// <summary>
/// The churn's reassignment where the cloud has no AllowReassignment (Alibaba): an unassign from the holder and an
/// assign to the target, both in the one <c>reassign</c> step. On simulated time, against an in-memory API that
/// refuses what Alibaba refuses (an address held elsewhere, an address not held).
/// </summary>
public sealed class ChurnReassignTests
{
    [Fact]
    public async Task Reassign_WithoutAllowReassignment_UnassignsFromTheHolderThenAssignsInOneStep()
    {
        var (topology, address) = Fleet();
        var cloud = new FakeCloud(address.Ip, address.Owner!.Id);
        var time = new VirtualTimeProvider();
        var tracker = new ConvergenceTracker(time);
        var churn = new ChurnWorkload(cloud, topology, tracker, time, seed: 3);

        var run = await RunAsync(time, churn.Scenario(LoadSimulation.Parse("inject(rate=20,during=2s)"), TimeSpan.Zero, 100));

        var steps = run.Scenarios.Single().Steps.ToDictionary(s => s.Name);
        Assert.All(steps.Values, s => Assert.Equal(0, s.Failed));
        var reassigns = steps["reassign"].Count;
        Assert.True(reassigns > 5, $"{reassigns} reassignments");
        Assert.Equal(steps.Values.Sum(s => s.Count) + reassigns, cloud.Calls.Count);
        // Each reassignment is the holder's unassign and then the target's assign, back to back.
        var pairs = cloud.Calls.Zip(cloud.Calls.Skip(1)).Count(p => p.First.Action == "unassign" && p.Second.Action == "assign" && p.First.Eni != p.Second.Eni);
        Assert.True(pairs >= reassigns, $"{pairs} unassign-then-assign pairs for {reassigns} reassignments");
        Assert.Equal(cloud.Holder, address.Owner?.Id);
        Assert.Equal(steps.Values.Sum(s => s.Count), tracker.Changes);
    }

    [Fact]
    public async Task Reassign_WhenTheAssignFailsAfterTheUnassign_FailsTheStepAndBooksTheAddressUnassigned()
    {
        var (topology, address) = Fleet();
        var cloud = new FakeCloud(address.Ip, address.Owner!.Id) { RefuseAssigns = true };
        var time = new VirtualTimeProvider();
        var tracker = new ConvergenceTracker(time);
        var churn = new ChurnWorkload(cloud, topology, tracker, time, seed: 3);

        // One copy, which this seed has reassign the held address.
        var run = await RunAsync(time, churn.Scenario(LoadSimulation.Parse("inject(rate=1,during=1s)"), TimeSpan.Zero, 1));

        var step = run.Scenarios.Single().Steps.Single();
        Assert.Equal("reassign", step.Name);
        Assert.Equal(1, step.Failed);
        Assert.Equal(["unassign", "assign"], cloud.Calls.Select(c => c.Action));
        Assert.Null(cloud.Holder);
        Assert.Null(address.Owner);
        Assert.Equal(1, tracker.Changes);
    }

    /// <summary>One instance with two ENIs in one vSwitch, and one floating address on the first.</summary>
    private static (Topology Topology, FloatingAddress Address) Fleet()
    {
        var instance = new SimInstance("i-1", 0);
        instance.Interfaces.Add(new SimInterface("eni-a", "00:16:3e:00:00:01", "vsw-1", instance));
        instance.Interfaces.Add(new SimInterface("eni-b", "00:16:3e:00:00:02", "vsw-1", instance));
        var address = new FloatingAddress("10.0.0.9", "vsw-1", instance.Interfaces[0]);
        return (new Topology([instance], [address], hasMetadata: false), address);
    }

    private static async Task<LoadRun> RunAsync(VirtualTimeProvider time, LoadScenario scenario)
    {
        var run = LoadEngine.RunAsync([scenario], new LoadEngineOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), time);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Delay(1);
        }

        Assert.True(run.IsCompleted, "the run did not finish");
        return await run;
    }

    /// <summary>An API for one address that answers at once, Alibaba's way: no AllowReassignment.</summary>
    private sealed class FakeCloud(string ip, string holder) : ICloudApi
    {
        private readonly Lock gate = new();

        public List<(string Action, string Eni)> Calls { get; } = [];

        public string? Holder { get; private set; } = holder;

        public bool RefuseAssigns { get; init; }

        public Cloud Cloud => Cloud.Alibaba;

        public string Name => "fake";

        public IReadOnlyList<Uri> Endpoints => [];

        public Uri ControlEndpoint => new("http://127.0.0.1:1/");

        public HttpClient Control => throw new NotSupportedException();

        public MetadataDialect Metadata => MetadataDialect.Alibaba;

        public bool ReassignsInOneCall => false;

        public bool LaunchesPending => true;

        public Task<ApiReply> AssignAsync(string interfaceId, string address, bool reassign, CancellationToken cancellation)
        {
            Assert.False(reassign, "Alibaba has no AllowReassignment");
            lock (gate)
            {
                Calls.Add(("assign", interfaceId));
                if (RefuseAssigns || Holder is not null || address != ip)
                {
                    return Task.FromResult(new ApiReply(403, "", "InvalidPrivateIpAddress.Duplicated"));
                }

                Holder = interfaceId;
                return Task.FromResult(new ApiReply(200, "{}", null));
            }
        }

        public Task<ApiReply> UnassignAsync(string interfaceId, string address, CancellationToken cancellation)
        {
            lock (gate)
            {
                Calls.Add(("unassign", interfaceId));
                if (Holder != interfaceId || address != ip)
                {
                    return Task.FromResult(new ApiReply(403, "", "InvalidIp.IpUnassigned"));
                }

                Holder = null;
                return Task.FromResult(new ApiReply(200, "{}", null));
            }
        }

        public Task<DescribeReply> DescribeInterfacesAsync(InterfaceQuery query, CancellationToken cancellation) => throw new NotSupportedException();

        public Task<LaunchReply> LaunchAsync(string subnetId, string instanceType, CancellationToken cancellation) => throw new NotSupportedException();

        public Task<ApiReply> WaitRunningAsync(string instanceId, CancellationToken cancellation) => throw new NotSupportedException();

        public Task<ApiReply> TerminateAsync(string instanceId, CancellationToken cancellation) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
