using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

/// <summary>
/// A network interface: its attributes, attachment and tags. Its addresses live in its subnet's grain, which the EC2 API
/// calls directly to change them (<see cref="ISubnetGrain.AssignAsync"/>).
/// </summary>
public interface INetworkInterfaceGrain : IGrainWithStringKey
{
    Task<NetworkInterfaceView> CreateAsync(CreateInterfaceSpec spec);

    Task<NetworkInterfaceView> AttachAsync(AttachCommand command);

    Task DetachAsync(string attachmentId);

    Task ModifyAsync(ModifyInterfaceCommand command);

    Task UpdateTagsAsync(TagUpdate update);

    /// <summary>Deletes the interface; unless <paramref name="evenIfAttached"/> (instance termination) it must be detached.</summary>
    Task DeleteAsync(bool evenIfAttached);
}
