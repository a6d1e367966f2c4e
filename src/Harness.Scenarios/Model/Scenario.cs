namespace Harness.Scenarios.Model;

/// <summary>Where something is written in the scenario file (1-based), for errors and reports.</summary>
public readonly record struct SourceMark(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

public enum ClockMode
{
    /// <summary>Wall-clock time: delays take as long as they say; external clients can run.</summary>
    Real,

    /// <summary>Simulated time: the run takes no longer than its work, and replays exactly for a seed.</summary>
    Virtual,
}

/// <summary>A parsed, checked scenario: the topology to build and the steps to run on it.</summary>
public sealed record Scenario(
    string Name, string? Description, string File, int Seed, ClockMode Clock, string Region, PropagationChange? Propagation,
    Topology Topology, IReadOnlyList<Step> Steps)
{
    /// <summary>
    /// Whose API the topology and the steps go through (<c>cloud:</c>): EC2 by default, or Alibaba Cloud's ECS/VPC RPC API
    /// with its instances' metadata tree.
    /// </summary>
    public Harness.Domain.Clouds.Cloud Cloud { get; init; } = Harness.Domain.Clouds.Cloud.Aws;

    /// <summary>The workloads of its <c>load:</c> block, which run beside the steps; empty when it has none.</summary>
    public IReadOnlyList<LoadSpec> Load { get; init; } = [];

    /// <summary>The folder client commands run in and resolve relative paths from.</summary>
    public string Directory => Path.GetDirectoryName(Path.GetFullPath(File))!;

    /// <summary>Every step, nested ones included, in file order.</summary>
    public IEnumerable<Step> AllSteps => Flatten(Steps);

    private static IEnumerable<Step> Flatten(IEnumerable<Step> steps) => steps.SelectMany(step => step switch
    {
        ParallelStep parallel => Flatten(parallel.Steps).Prepend(step),
        RepeatStep repeat => Flatten(repeat.Steps).Prepend(step),
        _ => [step],
    });
}

public sealed record Topology(
    IReadOnlyList<VpcSpec> Vpcs, IReadOnlyList<InstanceSpec> Instances, IReadOnlyList<InterfaceSpec> Interfaces,
    IReadOnlyList<ElasticIpSpec> ElasticIps)
{
    public IEnumerable<SubnetSpec> Subnets => Vpcs.SelectMany(v => v.Subnets);
}

public sealed record VpcSpec(string Name, string Cidr, IReadOnlyList<SubnetSpec> Subnets, SourceMark Mark);

public sealed record SubnetSpec(string Name, string Cidr, string? Zone, string Vpc, SourceMark Mark);

/// <param name="PrivateIp">The primary private address; the subnet picks one when null.</param>
/// <param name="SecondaryIps">Secondary addresses on its primary interface at launch.</param>
public sealed record InstanceSpec(
    string Name, string Type, string Subnet, string? PrivateIp, IReadOnlyList<string> SecondaryIps, SourceMark Mark);

/// <summary>An extra network interface, created in a subnet and attached to an instance when one is named.</summary>
public sealed record InterfaceSpec(
    string Name, string Subnet, string? PrivateIp, IReadOnlyList<string> SecondaryIps, string? Instance, int Device, SourceMark Mark);

/// <summary>An Elastic IP allocated by name, and associated with a private address at set-up when one is given.</summary>
public sealed record ElasticIpSpec(string Name, string? PrivateIp, SourceMark Mark);

/// <summary>
/// A change to how metadata propagates: the settings of <c>PUT /_harness/propagation</c> (<c>imds</c>, <c>kinds</c>,
/// <c>reorder</c>, <c>forcedDetachStaysStale</c>), overrides by instance and interface name, or a flush.
/// </summary>
public sealed record PropagationChange(
    string? Imds, IReadOnlyDictionary<string, string?> Kinds, bool? Reorder, bool? ForcedDetachStaysStale,
    IReadOnlyDictionary<string, string?> Instances, IReadOnlyDictionary<string, string?> Interfaces, bool Flush);
