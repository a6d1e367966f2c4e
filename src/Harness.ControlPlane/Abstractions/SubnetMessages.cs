using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.Domain.Net;

namespace Harness.ControlPlane.Abstractions;

[GenerateSerializer]
[Immutable]
public sealed record SubnetSpec(
    string Region, string SubnetId, string VpcId, Ipv4Cidr Cidr, string AvailabilityZone, string AvailabilityZoneId, ImmutableArray<Tag> Tags);

/// <summary>
/// What to add to an interface: specific addresses or a count drawn from the subnet, prefixes or a prefix
/// count, and the interface's limit of IPv4 addresses (the primary and each prefix count as one).
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record AddressRequest(
    ImmutableArray<uint> Addresses, int Count, ImmutableArray<uint> Prefixes, int PrefixCount, bool AllowReassignment, int MaxIpv4)
{
    public static AddressRequest None(int maxIpv4) => new([], 0, [], 0, false, maxIpv4);
}

/// <summary>Only what the call newly assigned, as AssignPrivateIpAddresses reports it.</summary>
[GenerateSerializer]
[Immutable]
public sealed record AssignResult(ImmutableArray<uint> Addresses, ImmutableArray<uint> Prefixes);

[GenerateSerializer]
[Immutable]
public sealed record TagUpdate(ImmutableArray<Tag> Set, ImmutableArray<TagDeletion> Delete);

/// <summary>A tag to delete: by key, or by key and value when <see cref="Value"/> is given.</summary>
[GenerateSerializer]
[Immutable]
public sealed record TagDeletion(string Key, string? Value);
