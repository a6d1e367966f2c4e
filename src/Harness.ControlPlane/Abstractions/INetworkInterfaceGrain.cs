using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

/// <summary>A network interface: its attributes, attachment and tags. Its addresses live in its subnet's grain.</summary>
public interface INetworkInterfaceGrain : IGrainWithStringKey
{
    Task<NetworkInterfaceView> CreateAsync(CreateInterfaceSpec spec);

    Task<AssignResult> AssignAsync(AddressRequest request);

    Task UnassignAsync(ImmutableArray<uint> addresses, ImmutableArray<uint> prefixes);

    Task<NetworkInterfaceView> AttachAsync(AttachCommand command);

    Task DetachAsync(string attachmentId);

    Task ModifyAsync(ModifyInterfaceCommand command);

    Task UpdateTagsAsync(TagUpdate update);

    /// <summary>Deletes the interface; unless <paramref name="evenIfAttached"/> (instance termination) it must be detached.</summary>
    Task DeleteAsync(bool evenIfAttached);
}
