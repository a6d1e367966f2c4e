using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Clouds;
using Harness.Domain.Errors;
using Harness.Domain.Ids;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Grains;

/// <summary>Ids, VPCs and their subnet layout, security groups. Elastic IPs are in <c>RegionGrain.Addresses.cs</c>.</summary>
internal sealed partial class RegionGrain(RegionDirectory regions, HarnessOptions options, IVcpuQuota vcpus) : PublishingGrain<RegionRecord>, IRegionGrain
{
    private readonly Dictionary<string, List<SubnetLayout>> subnetsByVpc = new(StringComparer.Ordinal);
    private Random random = new(0);
    private RegionState state = null!;
    private string dhcpOptionsId = "";
    private long sequence;

    /// <summary>How many times the grain has come back from its record (with <c>--state</c>): each time draws ids from a new stream.</summary>
    private int incarnation;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GrainKeys.Split(this.GetPrimaryKeyString());
        state = regions.Get(key.Generation, key.Region);
        random = new Random(StableHash(key.Region) ^ options.Seed);
        dhcpOptionsId = ResourceIds.New("dopt", random);
        return RestoreAsync();
    }

    // The region's VPCs, security groups and Elastic IPs are its own read-model entries: only this grain writes them.
    protected override RegionRecord Save() => new()
    {
        Incarnation = incarnation, DhcpOptionsId = dhcpOptionsId, Sequence = sequence, SubnetsByVpc = subnetsByVpc,
        Vpcs = [.. state.Vpcs.Values], SecurityGroups = [.. state.SecurityGroups.Values], Addresses = [.. state.Addresses.Values],
        AllocatedIps = allocatedIps, ReleasedIps = releasedIps, PastAssociations = pastAssociations,
    };

    protected override IEnumerable<(RegionState, ReadModelTable, string, object?)> Restore(RegionRecord saved)
    {
        // The random stream of an earlier activation may have given out ids after its last record: never draw them again.
        incarnation = saved.Incarnation + 1;
        random = new Random(StableHash($"{state.Name}#{incarnation}") ^ options.Seed);
        (dhcpOptionsId, sequence) = (saved.DhcpOptionsId, saved.Sequence);
        foreach (var (vpcId, layout) in saved.SubnetsByVpc)
        {
            subnetsByVpc[vpcId] = layout;
        }

        allocatedIps.UnionWith(saved.AllocatedIps);
        releasedIps.UnionWith(saved.ReleasedIps);
        pastAssociations.UnionWith(saved.PastAssociations);
        // What this process still shows of them and the record has not (deleted, and its process died before it said so)
        // goes everywhere: this grain is the only writer of these entries, and it reads them back from here.
        var ghosts = state.Vpcs.Keys.Except(saved.Vpcs.Select(v => v.VpcId)).Select(id => (state, ReadModelTable.Vpcs, id, (object?)null))
            .Concat(state.SecurityGroups.Keys.Except(saved.SecurityGroups.Select(g => g.GroupId)).Select(id => (state, ReadModelTable.SecurityGroups, id, (object?)null)))
            .Concat(state.Addresses.Keys.Except(saved.Addresses.Select(a => a.AllocationId)).Select(id => (state, ReadModelTable.Addresses, id, (object?)null)))
            .ToList();
        return saved.Vpcs.Select(v => (state, ReadModelTable.Vpcs, v.VpcId, (object?)v))
            .Concat(saved.SecurityGroups.Select(g => (state, ReadModelTable.SecurityGroups, g.GroupId, (object?)g)))
            .Concat(saved.Addresses.Select(a => (state, ReadModelTable.Addresses, a.AllocationId, (object?)a)))
            .Concat(ghosts);
    }

    public Task<string[]> NewIdsAsync(string prefix, int count) =>
        Task.FromResult(Enumerable.Range(0, count).Select(_ => state.Rules.NewId(prefix, state.RegionId, random)).ToArray());

    /// <summary>A new id in the region's cloud's shape (<see cref="CloudRules.NewId"/>).</summary>
    private string NewId(string prefix) => state.Rules.NewId(prefix, state.RegionId, random);

    public Task<InterfaceIdentity> NewInterfaceAsync() =>
        Task.FromResult(new InterfaceIdentity(state.Rules.NewId("eni", state.RegionId, random), state.Rules.NewMac(random), ++sequence));

    public async Task<int> InstancesThatFitAsync(string instanceType, int minCount, int maxCount) =>
        await vcpus.FittingAsync(state, instanceType, minCount, maxCount);

    public Task<VpcView> CreateVpcAsync(CreateVpcCommand command)
    {
        // Alibaba accepts larger VPCs (its default is 172.16.0.0/12); its API checks the mask before calling here.
        if (command.Cidr.PrefixLength is > 28 || (command.Cidr.PrefixLength < 16 && state.Cloud == Cloud.Aws) || command.Cidr.PrefixLength < 8)
        {
            throw new Ec2Exception("InvalidVpc.Range", $"The CIDR '{command.Cidr}' is invalid.");
        }

        var vpc = new VpcView(NewId("vpc"), command.Cidr, "available", false, dhcpOptionsId, command.InstanceTenancy, command.Tags);
        SetEntry(state, ReadModelTable.Vpcs, vpc.VpcId, vpc);
        subnetsByVpc[vpc.VpcId] = [];

        // An EC2 VPC comes with its default security group; an Alibaba VPC with none.
        if (state.Cloud == Cloud.Aws)
        {
            var group = new SecurityGroupView(NewId("sg"), "default", "default VPC security group", vpc.VpcId, []);
            SetEntry(state, ReadModelTable.SecurityGroups, group.GroupId, group);
        }

        return Task.FromResult(vpc);
    }

    public Task DeleteVpcAsync(string vpcId)
    {
        var vpc = Vpc(vpcId);
        var groups = state.SecurityGroups.Values.Where(g => g.VpcId == vpcId).ToList();
        if (subnetsByVpc[vpcId].Count > 0 || groups.Any(g => !IsDefaultGroup(g)))
        {
            throw Ec2Errors.DependencyViolation($"The vpc '{vpc.VpcId}' has dependencies and cannot be deleted.");
        }

        groups.ForEach(g => SetEntry(state, ReadModelTable.SecurityGroups, g.GroupId, null));
        SetEntry(state, ReadModelTable.Vpcs, vpcId, null);
        subnetsByVpc.Remove(vpcId);
        return Task.CompletedTask;
    }

    public async Task<SubnetView> CreateSubnetAsync(CreateSubnetCommand command)
    {
        var vpc = Vpc(command.VpcId);
        var cidr = command.Cidr;
        if (cidr.PrefixLength < state.Rules.LargestSubnet || cidr.PrefixLength > state.Rules.SmallestSubnet || !vpc.Cidr.Contains(cidr))
        {
            throw new Ec2Exception("InvalidSubnet.Range", $"The CIDR '{cidr}' is invalid.");
        }

        if (subnetsByVpc[vpc.VpcId].Any(s => s.Cidr.Overlaps(cidr)))
        {
            throw new Ec2Exception("InvalidSubnet.Conflict", $"The CIDR '{cidr}' conflicts with another subnet");
        }

        var zone = command.AvailabilityZone ?? state.AvailabilityZones[random.Next(state.AvailabilityZones.Count)];
        if (!state.AvailabilityZones.Contains(zone))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Value ({zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {string.Join(", ", state.AvailabilityZones)}.");
        }

        var subnetId = NewId("subnet");
        subnetsByVpc[vpc.VpcId].Add(new SubnetLayout(subnetId, cidr));
        var spec = new SubnetSpec(state.Name, subnetId, vpc.VpcId, cidr, zone, state.ZoneIdOf(zone), command.Tags);
        return await GrainFactory.Get<ISubnetGrain>(GrainKeys.For(state, subnetId)).InitializeAsync(spec);
    }

    public async Task DeleteSubnetAsync(string subnetId)
    {
        if (!state.Subnets.TryGetValue(subnetId, out var subnet))
        {
            throw SubnetNotFound(subnetId);
        }

        await GrainFactory.Get<ISubnetGrain>(GrainKeys.For(state, subnetId)).DeleteAsync();
        subnetsByVpc[subnet.VpcId].RemoveAll(s => s.SubnetId == subnetId);
    }

    public Task<SecurityGroupView> CreateSecurityGroupAsync(CreateSecurityGroupCommand command)
    {
        Vpc(command.VpcId);
        // Alibaba has neither a reserved name nor unique names per VPC.
        if (state.Cloud == Cloud.Aws && command.GroupName == "default")
        {
            throw Ec2Errors.InvalidParameterValue("Cannot use reserved security group name: default");
        }

        if (state.Cloud == Cloud.Aws && state.SecurityGroups.Values.Any(g => g.VpcId == command.VpcId && g.GroupName == command.GroupName))
        {
            throw new Ec2Exception("InvalidGroup.Duplicate", $"The security group '{command.GroupName}' already exists for VPC '{command.VpcId}'");
        }

        var group = new SecurityGroupView(NewId("sg"), command.GroupName, command.Description, command.VpcId, command.Tags);
        SetEntry(state, ReadModelTable.SecurityGroups, group.GroupId, group);
        return Task.FromResult(group);
    }

    public Task DeleteSecurityGroupAsync(string groupId)
    {
        if (!state.SecurityGroups.TryGetValue(groupId, out var group))
        {
            throw SecurityGroupNotFound(groupId);
        }

        if (IsDefaultGroup(group))
        {
            throw new Ec2Exception("CannotDelete", $"the specified group: \"{groupId}\" name: \"default\" cannot be deleted by a user");
        }

        if (state.NetworkInterfaces.Values.Any(n => n.GroupIds.Contains(groupId)))
        {
            throw Ec2Errors.DependencyViolation($"resource {groupId} has a dependent object");
        }

        SetEntry(state, ReadModelTable.SecurityGroups, groupId, null);
        return Task.CompletedTask;
    }

    /// <summary>EC2's VPC default group, which goes with its VPC; Alibaba has none, and a group a user named "default" is theirs.</summary>
    private bool IsDefaultGroup(SecurityGroupView group) => state.Cloud == Cloud.Aws && group.GroupName == "default";

    public Task UpdateTagsAsync(string resourceId, TagUpdate update)
    {
        if (state.Vpcs.TryGetValue(resourceId, out var vpc))
        {
            SetEntry(state, ReadModelTable.Vpcs, resourceId, vpc with { Tags = TagSet.Apply(vpc.Tags, update) });
        }
        else if (state.SecurityGroups.TryGetValue(resourceId, out var group))
        {
            SetEntry(state, ReadModelTable.SecurityGroups, resourceId, group with { Tags = TagSet.Apply(group.Tags, update) });
        }
        else if (state.Addresses.TryGetValue(resourceId, out var address))
        {
            SetEntry(state, ReadModelTable.Addresses, resourceId, address with { Tags = TagSet.Apply(address.Tags, update) });
        }
        else
        {
            throw new Ec2Exception("InvalidID", $"The ID '{resourceId}' is not valid");
        }

        return Task.CompletedTask;
    }

    internal static Ec2Exception SubnetNotFound(string id) => Ec2Errors.NotFound("InvalidSubnetID.NotFound", $"The subnet ID '{id}' does not exist");

    internal static Ec2Exception VpcNotFound(string id) => Ec2Errors.NotFound("InvalidVpcID.NotFound", $"The vpc ID '{id}' does not exist");

    internal static Ec2Exception SecurityGroupNotFound(string id) => Ec2Errors.NotFound("InvalidGroup.NotFound", $"The security group '{id}' does not exist");

    private VpcView Vpc(string vpcId) => state.Vpcs.TryGetValue(vpcId, out var vpc) ? vpc : throw VpcNotFound(vpcId);

    /// <summary>FNV-1a: string.GetHashCode is randomized per process, which would break replay for a seed.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}

/// <summary>Where a subnet sits in its VPC, for the region grain's overlap checks.</summary>
[GenerateSerializer]
[Immutable]
internal sealed record SubnetLayout(string SubnetId, Ipv4Cidr Cidr);

/// <summary>A region grain's state, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class RegionRecord
{
    [Id(0)] public int Incarnation { get; init; }

    [Id(1)] public string DhcpOptionsId { get; init; } = "";

    [Id(2)] public long Sequence { get; init; }

    [Id(3)] public Dictionary<string, List<SubnetLayout>> SubnetsByVpc { get; init; } = [];

    [Id(4)] public List<VpcView> Vpcs { get; init; } = [];

    [Id(5)] public List<SecurityGroupView> SecurityGroups { get; init; } = [];

    [Id(6)] public List<AddressView> Addresses { get; init; } = [];

    [Id(7)] public HashSet<uint> AllocatedIps { get; init; } = [];

    [Id(8)] public HashSet<uint> ReleasedIps { get; init; } = [];

    [Id(9)] public HashSet<string> PastAssociations { get; init; } = [];
}
