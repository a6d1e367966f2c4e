using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Net;
using Harness.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Harness.ControlPlane.Tests;

/// <summary>The control plane wired as the host wires it, on fake time, with helpers to build VPCs, subnets, interfaces and instances.</summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    public const string RegionName = "us-east-1";

    /// <summary>Bounds every wait; it only turns a hang into a failure, nothing waits for it to pass.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly IHost host;

    public ControlPlaneHost(int seed = 1)
        : this(new HarnessOptions { Seed = seed })
    {
    }

    public ControlPlaneHost(HarnessOptions options)
    {
        // Off the test's synchronization context: the silo starts on the thread pool.
        host = Task.Run(() => HarnessSilo.StartControlPlaneAsync(options, Time)).GetAwaiter().GetResult();
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        State = host.Services.GetRequiredService<RegionDirectory>().Get(RegionName);
    }

    public VirtualTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IGrainFactory Grains { get; }

    public RegionState State { get; }

    public IRegionGrain Region => Grains.GetGrain<IRegionGrain>(GrainKeys.Of(State));

    public T Get<T>()
        where T : notnull => host.Services.GetRequiredService<T>();

    /// <summary>Advances the fake clock, then waits for the terminated instances it made due to be forgotten by their grains.</summary>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        Time.Advance(delta);
        var terminated = Get<Harness.ControlPlane.Lifecycle.TerminatedInstances>();
        await UntilAsync(() => terminated.Forgetting == 0, "the grains to forget the instances that came due");
    }

    /// <summary>How many of the harness's grains are active on the silo.</summary>
    public Task<int> ActivationCountAsync() => HarnessSilo.CountGrainActivationsAsync(Grains);

    /// <summary>Waits until the count of active harness grains satisfies <paramref name="expected"/>; fails after <see cref="HangGuard"/>.</summary>
    public async Task UntilActivationsAsync(Func<int, bool> expected, string what)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        int count;
        while (!expected(count = await ActivationCountAsync()))
        {
            if (guard.IsCancellationRequested)
            {
                Assert.Fail($"Still waiting after {HangGuard.TotalSeconds:0} s for {what}; {count} active");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds: for work a timer hands to a grain, which runs after the fake clock's
    /// <c>Advance</c> returns. Fails after <see cref="HangGuard"/>.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        while (!condition())
        {
            if (guard.IsCancellationRequested)
            {
                Assert.Fail($"Still waiting after {HangGuard.TotalSeconds:0} s for: {what}");
            }

            await Task.Delay(1, CancellationToken.None);
        }
    }

    public static uint Ip(string text) => Ipv4.TryParse(text, out var address) ? address : throw new ArgumentException($"Not an address: {text}", nameof(text));

    public static Ipv4Cidr Cidr(string text) => Ipv4Cidr.TryParse(text, out var cidr) ? cidr : throw new ArgumentException($"Not a CIDR: {text}", nameof(text));

    /// <summary>Specific addresses; the interface grain fills in its own limit.</summary>
    public static AddressRequest Addresses(bool allowReassignment, params string[] addresses) =>
        new([.. addresses.Select(Ip)], 0, [], 0, allowReassignment, MaxIpv4: 0);

    public static AddressRequest Count(int count) => new([], count, [], 0, false, MaxIpv4: 0);

    public static AddressRequest Prefixes(params string[] prefixes) => new([], 0, [.. prefixes.Select(Ip)], 0, false, MaxIpv4: 0);

    public static AddressRequest PrefixCount(int count) => new([], 0, [], count, false, MaxIpv4: 0);

    public ISubnetGrain Subnet(string subnetId) => Grains.GetGrain<ISubnetGrain>(GrainKeys.For(State, subnetId));

    public INetworkInterfaceGrain Interface(string networkInterfaceId) =>
        Grains.GetGrain<INetworkInterfaceGrain>(GrainKeys.For(State, networkInterfaceId));

    /// <summary>The interface's addresses, through its subnet's grain (as AssignPrivateIpAddresses changes them).</summary>
    public InterfaceAddressing AddressesOn(string networkInterfaceId) =>
        new(Subnet(State.NetworkInterfaces[networkInterfaceId].SubnetId), networkInterfaceId);

    public IInstanceGrain Instance(string instanceId) => Grains.GetGrain<IInstanceGrain>(GrainKeys.For(State, instanceId));

    public SubnetView SubnetView(string subnetId) => State.Subnets[subnetId];

    public InterfaceAddresses AddressesOf(string subnetId, string networkInterfaceId) => SubnetView(subnetId).AddressesOf(networkInterfaceId);

    public Task<VpcView> CreateVpcAsync(string cidr = "10.0.0.0/16") => Region.CreateVpcAsync(new CreateVpcCommand(Cidr(cidr), "default", []));

    public Task<SubnetView> CreateSubnetAsync(string vpcId, string cidr, string? zone = "us-east-1a") =>
        Region.CreateSubnetAsync(new CreateSubnetCommand(vpcId, Cidr(cidr), zone, []));

    /// <summary>A fresh VPC (10.0.0.0/16) with one subnet.</summary>
    public async Task<SubnetView> CreateSubnetAsync(string cidr = "10.0.1.0/24")
    {
        var vpc = await CreateVpcAsync();
        return await CreateSubnetAsync(vpc.VpcId, cidr);
    }

    /// <summary>Creates an interface the way CreateNetworkInterface does; <paramref name="primary"/> null draws one.</summary>
    public async Task<string> CreateInterfaceAsync(SubnetView subnet, string? primary = null, AddressRequest? secondaries = null)
    {
        var identity = await Region.NewInterfaceAsync();
        var spec = new CreateInterfaceSpec(
            RegionName, identity.NetworkInterfaceId, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone, subnet.AvailabilityZoneId,
            identity.MacAddress, "", [], "interface", primary is null ? 0 : Ip(primary), secondaries ?? AddressRequest.None(0), [],
            identity.Sequence);
        await Interface(identity.NetworkInterfaceId).CreateAsync(spec);
        return identity.NetworkInterfaceId;
    }

    /// <summary>Launches an instance with <paramref name="primaryInterfaceId"/> at device index 0.</summary>
    public async Task<string> LaunchAsync(SubnetView subnet, string instanceType, string primaryInterfaceId, bool deleteOnTermination = true)
    {
        var ids = await Region.NewIdsAsync("i", 1);
        var reservation = await Region.NewIdsAsync("r", 1);
        var attachment = await Region.NewIdsAsync("eni-attach", 1);
        var spec = new LaunchSpec(
            RegionName, ids[0], reservation[0], 0, "ami-12345678", instanceType, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone,
            KeyName: null, ClientToken: null, MetadataOptionsView.Default,
            [new LaunchInterface(primaryInterfaceId, attachment[0], 0, 0, deleteOnTermination)], ImmutableArray<Tag>.Empty);
        await Instance(ids[0]).LaunchAsync(spec);
        return ids[0];
    }

    /// <summary>Attaches through the instance grain, as AttachNetworkInterface does; returns the attachment id.</summary>
    public async Task<string> AttachAsync(string instanceId, string networkInterfaceId, int deviceIndex)
    {
        var attachment = await Region.NewIdsAsync("eni-attach", 1);
        return await Instance(instanceId).AttachAsync(networkInterfaceId, attachment[0], deviceIndex, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
