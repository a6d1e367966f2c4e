using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;
using Harness.Domain.Faults;
using Harness.Domain.Net;
using Harness.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Harness.ControlPlane.Tests.Metadata;

/// <summary>
/// The control plane wired as the host wires it, on fake time, with chosen propagation settings, plus helpers to read
/// instances' metadata views and the timeline. Builds its own container because <see cref="ControlPlaneHost"/> takes only a seed.
/// </summary>
public sealed class MetadataHost : IAsyncDisposable
{
    private const string RegionName = ControlPlaneHost.RegionName;

    private readonly IHost host;
    private readonly Dictionary<string, string> macs = new(StringComparer.Ordinal);

    /// <param name="timelineCapacity">How many timeline entries to keep; the harness's default when null.</param>
    public MetadataHost(PropagationSettings propagation, int seed = 1, int? timelineCapacity = null)
    {
        Options = new HarnessOptions { Seed = seed, Propagation = propagation };
        if (timelineCapacity is { } capacity)
        {
            Options = Options with { TimelineCapacity = capacity };
        }

        var options = Options;
        host = Task.Run(() => HarnessSilo.StartControlPlaneAsync(options, Time)).GetAwaiter().GetResult();
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Propagation = host.Services.GetRequiredService<MetadataPropagation>();
    }

    public MetadataHost(string spec = "fixed(1500ms)", int seed = 1)
        : this(Settings(spec), seed)
    {
    }

    public HarnessOptions Options { get; }

    public VirtualTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public DateTimeOffset Now => Time.GetUtcNow();

    public IGrainFactory Grains { get; }

    public MetadataPropagation Propagation { get; }

    public FaultBook Faults => host.Services.GetRequiredService<FaultBook>();

    /// <summary>Puts a fault in force from its spec; returns its id.</summary>
    public string AddFault(string spec, string? name = null) =>
        Faults.Add(FaultSpec.Parse(spec), name, "test", out var problem)?.Id ?? throw new InvalidOperationException(problem);

    /// <summary>Read each time: a control-plane reset replaces the region's state.</summary>
    public RegionState State => host.Services.GetRequiredService<RegionDirectory>().Get(RegionName);

    public IRegionGrain Region => Grains.GetGrain<IRegionGrain>(GrainKeys.Of(State));

    public static PropagationSettings Settings(string spec) => PropagationSettings.Of(DelaySpec.Parse(spec));

    public static DelayModel Model(string spec) => DelaySpec.Parse(spec);

    public static string[] Format(IEnumerable<uint> addresses) => [.. addresses.Select(Ipv4.Format)];

    /// <summary>Empties the whole control plane (grains, read side, metadata), as the control API's reset does.</summary>
    public async Task ResetControlPlaneAsync()
    {
        await host.Services.GetRequiredService<ControlPlaneReset>().ResetAsync();
        macs.Clear();
    }

    public void Advance(TimeSpan delta) => Time.Advance(delta);

    public void AdvanceMs(double milliseconds) => Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    public INetworkInterfaceGrain Interface(string networkInterfaceId) =>
        Grains.GetGrain<INetworkInterfaceGrain>(GrainKeys.For(State, networkInterfaceId));

    /// <summary>The interface's addresses, through its subnet's grain (as AssignPrivateIpAddresses changes them).</summary>
    public InterfaceAddressing AddressesOn(string networkInterfaceId) =>
        new(Grains.GetGrain<ISubnetGrain>(GrainKeys.For(State, State.NetworkInterfaces[networkInterfaceId].SubnetId)), networkInterfaceId);

    public IInstanceGrain Instance(string instanceId) => Grains.GetGrain<IInstanceGrain>(GrainKeys.For(State, instanceId));

    public async Task<SubnetView> CreateSubnetAsync(string cidr = "10.0.1.0/24")
    {
        var vpc = await Region.CreateVpcAsync(new CreateVpcCommand(ControlPlaneHost.Cidr("10.0.0.0/16"), "default", []));
        return await Region.CreateSubnetAsync(new CreateSubnetCommand(vpc.VpcId, ControlPlaneHost.Cidr(cidr), "us-east-1a", []));
    }

    public async Task<string> CreateInterfaceAsync(SubnetView subnet, string? primary = null, AddressRequest? secondaries = null)
    {
        var identity = await Region.NewInterfaceAsync();
        var spec = new CreateInterfaceSpec(
            RegionName, identity.NetworkInterfaceId, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone, subnet.AvailabilityZoneId,
            identity.MacAddress, "", [], "interface", primary is null ? 0 : ControlPlaneHost.Ip(primary), secondaries ?? AddressRequest.None(0), [],
            identity.Sequence);
        await Interface(identity.NetworkInterfaceId).CreateAsync(spec);
        macs[identity.NetworkInterfaceId] = identity.MacAddress;
        return identity.NetworkInterfaceId;
    }

    public async Task<string> LaunchAsync(SubnetView subnet, string primaryInterfaceId, string instanceType = "m5.large")
    {
        var ids = await Region.NewIdsAsync("i", 1);
        var reservation = await Region.NewIdsAsync("r", 1);
        var attachment = await Region.NewIdsAsync("eni-attach", 1);
        var spec = new LaunchSpec(
            RegionName, ids[0], reservation[0], 0, "ami-12345678", instanceType, subnet.SubnetId, subnet.VpcId, subnet.AvailabilityZone,
            KeyName: null, ClientToken: null, MetadataOptionsView.Default,
            [new LaunchInterface(primaryInterfaceId, attachment[0], 0, 0, DeleteOnTermination: true)], ImmutableArray<Tag>.Empty);
        await Instance(ids[0]).LaunchAsync(spec);
        return ids[0];
    }

    /// <summary>Creates an interface (primary given or drawn) and launches an m5.large with it at device 0.</summary>
    public async Task<(string InstanceId, string Eni)> LaunchWithInterfaceAsync(SubnetView subnet, string? primary = null, params string[] secondaries)
    {
        var eni = await CreateInterfaceAsync(subnet, primary, secondaries.Length == 0 ? null : ControlPlaneHost.Addresses(false, secondaries));
        return (await LaunchAsync(subnet, eni), eni);
    }

    /// <summary>Attaches through the instance grain, as AttachNetworkInterface does; returns the attachment id.</summary>
    public async Task<string> AttachAsync(string instanceId, string networkInterfaceId, int deviceIndex)
    {
        var attachment = await Region.NewIdsAsync("eni-attach", 1);
        return await Instance(instanceId).AttachAsync(networkInterfaceId, attachment[0], deviceIndex, 0);
    }

    public Task<AddressView> AllocateAsync() => Region.AllocateAddressAsync(new AllocateAddressCommand("vpc", null, null, null, null, []));

    public Task<string> AssociateAsync(AddressView eip, string networkInterfaceId, string? privateIp, bool? allowReassociation = null) =>
        AssociateAsync(eip, networkInterfaceId, privateIp is null ? 0 : ControlPlaneHost.Ip(privateIp), allowReassociation);

    public Task<string> AssociateAsync(AddressView eip, string networkInterfaceId, uint privateIp, bool? allowReassociation = null) =>
        Region.AssociateAddressAsync(new AssociateAddressCommand(
            eip.AllocationId, null, State.NetworkInterfaces[networkInterfaceId].SubnetId, networkInterfaceId, privateIp, allowReassociation));

    public Task<SecurityGroupView> CreateSecurityGroupAsync(string vpcId, string name) =>
        Region.CreateSecurityGroupAsync(new CreateSecurityGroupCommand(name, name + " group", vpcId, []));

    public Task SetGroupsAsync(string networkInterfaceId, params string[] groupIds) =>
        Interface(networkInterfaceId).ModifyAsync(new ModifyInterfaceCommand(null, [.. groupIds], null, null, null));

    public string MacOf(string networkInterfaceId) => macs[networkInterfaceId];

    public MetadataSlot Slot(string instanceId) =>
        Propagation.TryGetByInstanceId(instanceId, out var slot) ? slot : throw new InvalidOperationException($"No metadata slot for {instanceId}.");

    public MetadataView View(string instanceId) => Slot(instanceId).View;

    /// <summary>The interface as the instance's metadata shows it, or null when the metadata does not list it.</summary>
    public InterfaceMetadata? Shown(string instanceId, string networkInterfaceId) => View(instanceId).FindByMac(MacOf(networkInterfaceId));

    /// <summary>
    /// <c>macs/&lt;mac&gt;/local-ipv4s</c> as dotted quads; empty when the metadata does not list the interface (a listed one
    /// always has its primary).
    /// </summary>
    public string[] LocalIpv4s(string instanceId, string networkInterfaceId) =>
        Shown(instanceId, networkInterfaceId) is { } nic ? Format(nic.LocalIpv4s) : [];

    /// <summary>What DescribeNetworkInterfaces says the interface holds right now.</summary>
    public string[] ControlPlaneIpv4s(string networkInterfaceId)
    {
        Assert.True(State.TryGetInterface(networkInterfaceId, out _, out var addresses));
        return Format(addresses.All);
    }

    public bool InSync(string instanceId) => (Propagation.Describe(instanceId) ?? throw new InvalidOperationException(instanceId)).InSync;

    public IReadOnlyList<MetadataEvent> Events(string? instanceId = null) => Propagation.Timeline(instanceId, 0, int.MaxValue).Events;

    public IReadOnlyList<MetadataEvent> Events(string instanceId, string kind) => [.. Events(instanceId).Where(e => e.Kind == kind)];

    public MetadataEvent LastEvent(string instanceId, string kind) => Events(instanceId, kind)[^1];

    /// <summary>The timeline entry as it stands now (entries are snapshots; their status moves on).</summary>
    public MetadataEvent Refresh(MetadataEvent entry) => Events(entry.InstanceId).Single(e => e.Sequence == entry.Sequence);

    public IReadOnlyList<MetadataEvent> Pending(string instanceId) =>
        Propagation.Pending(instanceId) ?? throw new InvalidOperationException($"No metadata for {instanceId}.");

    /// <summary>Changes a setting for changes made from now on.</summary>
    public void Configure(Func<PropagationSettings, PropagationSettings> change) => Propagation.Settings = change(Propagation.Settings);

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>Builders for the override maps of <see cref="PropagationSettings"/>.</summary>
public static class PropagationSettingsExtensions
{
    public static PropagationSettings WithKind(this PropagationSettings settings, string kind, string spec) =>
        settings with { Kinds = settings.Kinds.SetItem(kind, DelaySpec.Parse(spec)) };

    public static PropagationSettings WithInstance(this PropagationSettings settings, string instanceId, string spec) =>
        settings with { Instances = settings.Instances.SetItem(instanceId, DelaySpec.Parse(spec)) };

    public static PropagationSettings WithInterface(this PropagationSettings settings, string networkInterfaceId, string spec) =>
        settings with { Interfaces = settings.Interfaces.SetItem(networkInterfaceId, DelaySpec.Parse(spec)) };
}
