using Harness.ControlPlane.Regions;

namespace Harness.ControlPlane.ReadModel;

/// <summary>The tables of a region's read model (<see cref="RegionState"/>) that grains publish into.</summary>
public enum ReadModelTable
{
    Vpcs,
    Subnets,
    SecurityGroups,
    NetworkInterfaces,
    Instances,
    Addresses,
    Attachments,

    /// <summary>
    /// Not a table: an instance is about to detach an interface by force (key <c>instance-id/eni-id</c>, value true), or
    /// that detach failed (false). Sent so that every process's metadata leaves the interface stale, as the hosting one does.
    /// </summary>
    ForcedDetaches,
}

/// <summary>
/// One entry of a region's read model, set (<see cref="Value"/> a view, or an interface id for
/// <see cref="ReadModelTable.Attachments"/>) or removed (null): what a grain's turn sends to the other processes of a cluster.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record ReadModelChange(long Generation, string Region, ReadModelTable Table, string Key, object? Value);
