using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;
using Harness.Runtime;

namespace Harness.ControlPlane.Abstractions;

/// <summary>A network interface: its attributes, attachment and tags. Its addresses live in its subnet's grain.</summary>
public interface INetworkInterfaceGrain : IGrainWithStringKey
{
    Task<NetworkInterfaceView> CreateAsync(CreateInterfaceSpec spec);

    Task<AssignResult> AssignAsync(AddressRequest request);

    Task UnassignAsync(ImmutableArray<uint> addresses, ImmutableArray<uint> prefixes);

    Task<NetworkInterfaceView> AttachAsync(AttachCommand command);

    /// <param name="force">A forced detach: the instance's metadata keeps showing the interface until a stop and start.</param>
    Task DetachAsync(string attachmentId, bool force = false);

    Task ModifyAsync(ModifyInterfaceCommand command);

    Task UpdateTagsAsync(TagUpdate update);

    /// <summary>Deletes the interface; unless <paramref name="evenIfAttached"/> (instance termination) it must be detached.</summary>
    Task DeleteAsync(bool evenIfAttached);
}
