using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;

namespace Harness.ControlPlane.Tests;

/// <summary>
/// One interface's addresses changed the way the EC2 API changes them: through the grain of the subnet it is in, which
/// owns the subnet's addresses and the interface's limit.
/// </summary>
public readonly record struct InterfaceAddressing(ISubnetGrain Subnet, string NetworkInterfaceId)
{
    public Task<AssignResult> AssignAsync(AddressRequest request) => Subnet.AssignAsync(NetworkInterfaceId, request);

    public Task UnassignAsync(ImmutableArray<uint> addresses, ImmutableArray<uint> prefixes) =>
        Subnet.UnassignAsync(NetworkInterfaceId, addresses, prefixes);
}
