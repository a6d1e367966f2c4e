using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

/// <summary>
/// A subnet: the consistency boundary for its addresses. Every address, prefix and Elastic IP binding of every
/// interface in the subnet is owned here, so a reassignment is one turn and never shows an address twice.
/// </summary>
public interface ISubnetGrain : IGrainWithStringKey
{
    Task<SubnetView> InitializeAsync(SubnetSpec spec);

    /// <summary>Registers a new interface with its primary address (a given one, or drawn when 0) and secondaries.</summary>
    Task<InterfaceAddresses> AddInterfaceAsync(string networkInterfaceId, uint primary, AddressRequest secondaries);

    /// <summary>
    /// Adds addresses or prefixes to the interface, within the limit it holds for the interface (<see cref="SetLimitAsync"/>;
    /// the request's own <c>MaxIpv4</c> is not used): the EC2 API calls this directly, so an assign is one grain call.
    /// </summary>
    Task<AssignResult> AssignAsync(string networkInterfaceId, AddressRequest request);

    /// <summary>Sets how many IPv4 addresses the interface may hold (its instance type's limit while attached).</summary>
    Task SetLimitAsync(string networkInterfaceId, int maxIpv4);

    Task UnassignAsync(string networkInterfaceId, ImmutableArray<uint> addresses, ImmutableArray<uint> prefixes);

    /// <summary>Frees all of an interface's addresses; Elastic IPs bound to them become unassociated.</summary>
    Task RemoveInterfaceAsync(string networkInterfaceId);

    /// <summary>Binds an Elastic IP to a private address of the interface (its primary when 0); returns the binding it displaced.</summary>
    Task<PublicBinding?> BindAsync(string networkInterfaceId, uint privateIp, PublicBinding binding);

    /// <summary>Removes the binding of <paramref name="allocationId"/>; false when it is not bound here.</summary>
    Task<bool> UnbindAsync(string allocationId);

    Task UpdateTagsAsync(TagUpdate update);

    Task DeleteAsync();
}
