using System.Collections.Immutable;
using Harness.ControlPlane;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;
using Harness.Domain.Net;

namespace Harness.Load.Scheduler;

/// <summary>
/// The control plane on its Orleans silo as the host wires it (AddControlPlane, UseHarnessSilo) on a given clock, with instances launched through
/// the grains, and the address changes the scheduler benchmark makes on them.
/// </summary>
internal sealed class SchedulerRig : IAsyncDisposable
{
    private const string Region = "us-east-1";

    private readonly IHost host;
    private readonly IGrainFactory grains;
    private readonly RegionState state;
    private readonly (string InstanceId, string Eni, string SubnetId)[] launched;

    private SchedulerRig(IHost host, RegionState state, (string InstanceId, string Eni, string SubnetId)[] launched)
    {
        this.host = host;
        this.state = state;
        this.launched = launched;
        grains = host.Services.GetRequiredService<IGrainFactory>();
        Propagation = host.Services.GetRequiredService<MetadataPropagation>();
        InstanceIds = [.. launched.Select(l => l.InstanceId)];
    }

    public MetadataPropagation Propagation { get; }

    public string[] InstanceIds { get; }

    /// <summary>One VPC, <paramref name="subnets"/> /20 subnets (one subnet grain each, so changes in different subnets run in parallel), one instance per interface.</summary>
    public static async Task<SchedulerRig> StartAsync(TimeProvider time, string delay, int instances, int subnets, int workers, string instanceType)
    {
        var options = new HarnessOptions
        {
            Seed = 1,
            TimelineCapacity = 300_000,
            Propagation = PropagationSettings.Of(DelaySpec.Parse(delay)),

            // A fleet past EC2's default on-demand vCPU limit: the rig measures the scheduler, not the quota.
            VcpuLimit = 1_000_000,
        };
        var host = await HarnessSilo.StartControlPlaneAsync(options, time);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var state = host.Services.GetRequiredService<RegionDirectory>().Get(Region);
        var region = grains.GetGrain<IRegionGrain>(GrainKeys.Of(state));
        var vpc = await region.CreateVpcAsync(new CreateVpcCommand(Cidr("10.0.0.0/16"), "default", []));
        var views = new SubnetView[subnets];
        for (var s = 0; s < subnets; s++)
        {
            views[s] = await region.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, Cidr($"10.0.{s * 16}.0/20"), "us-east-1a", []));
        }

        var launched = new (string InstanceId, string Eni, string SubnetId)[instances];
        await Parallel.ForEachAsync(Enumerable.Range(0, instances), new ParallelOptions { MaxDegreeOfParallelism = workers }, async (i, _) =>
        {
            var subnet = views[i % subnets];
            var identity = await region.NewInterfaceAsync();
            await Interface(grains, state, identity.NetworkInterfaceId).CreateAsync(new CreateInterfaceSpec(
                Region, identity.NetworkInterfaceId, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone, subnet.AvailabilityZoneId,
                identity.MacAddress, "", [], "interface", 0, AddressRequest.None(0), [], identity.Sequence));
            var ids = await region.NewIdsAsync("i", 1);
            var reservation = await region.NewIdsAsync("r", 1);
            var attachment = await region.NewIdsAsync("eni-attach", 1);
            await grains.GetGrain<IInstanceGrain>(GrainKeys.For(state, ids[0])).LaunchAsync(new LaunchSpec(
                Region, ids[0], reservation[0], 0, "ami-12345678", instanceType, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone,
                KeyName: null, ClientToken: null, MetadataOptionsView.Default,
                [new LaunchInterface(identity.NetworkInterfaceId, attachment[0], 0, 0, DeleteOnTermination: true)], ImmutableArray<Tag>.Empty));
            launched[i] = (ids[0], identity.NetworkInterfaceId, subnet.SubnetId);
        });
        return new SchedulerRig(host, state, launched);
    }

    /// <summary>
    /// Instance i makes its share of <paramref name="changes"/>, alternately assigning one secondary address and
    /// unassigning it again (so it stays within any type's per-interface limit): each call is one private-ipv4s change.
    /// Returns how many calls were made.
    /// </summary>
    public async Task<int> EnqueueAsync(int changes, int workers)
    {
        var made = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, launched.Length), new ParallelOptions { MaxDegreeOfParallelism = workers }, async (i, _) =>
        {
            // Through the subnet's grain, as the EC2 API changes an interface's addresses.
            var (_, eni, subnetId) = launched[i];
            var subnet = grains.GetGrain<ISubnetGrain>(GrainKeys.For(state, subnetId));
            var share = (changes / launched.Length) + (i < changes % launched.Length ? 1 : 0);
            var held = 0u;
            for (var k = 0; k < share; k++)
            {
                if (held == 0)
                {
                    var result = await subnet.AssignAsync(eni, new AddressRequest([], 1, [], 0, false, 0));
                    held = result.Addresses[0];
                }
                else
                {
                    await subnet.UnassignAsync(eni, [held], []);
                    held = 0;
                }
            }

            Interlocked.Add(ref made, share);
        });
        return made;
    }

    /// <summary>Changes on their way, summed over the instances (one short hold of the propagation lock each).</summary>
    public long Pending()
    {
        var pending = 0L;
        foreach (var id in InstanceIds)
        {
            pending += Propagation.Describe(id)?.PendingChanges ?? 0;
        }

        return pending;
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static INetworkInterfaceGrain Interface(IGrainFactory grains, RegionState state, string id) =>
        grains.GetGrain<INetworkInterfaceGrain>(GrainKeys.For(state, id));

    private static Ipv4Cidr Cidr(string text) =>
        Ipv4Cidr.TryParse(text, out var cidr) ? cidr : throw new ArgumentException($"Not a CIDR: {text}", nameof(text));
}
