using System.Collections.Immutable;
using Harness.ControlPlane.ReadModel;

namespace Harness.ControlPlane.Abstractions;

/// <summary>A simulated instance: its state, its attachments by device index and its metadata options.</summary>
public interface IInstanceGrain : IGrainWithStringKey
{
    Task<InstanceView> LaunchAsync(LaunchSpec spec);

    Task<string> AttachAsync(string networkInterfaceId, string attachmentId, int deviceIndex, int networkCardIndex);

    Task DetachAsync(string attachmentId, bool force);

    Task<StateChange> StopAsync();

    Task<StateChange> StartAsync();

    Task<StateChange> TerminateAsync();

    /// <summary>Undoes a launch of a RunInstances call that failed as a whole: as if the instance never existed.</summary>
    Task AbortLaunchAsync(ImmutableArray<string> createdInterfaces);

    /// <summary>
    /// Forgets a terminated instance once the retention has passed since it terminated: EC2 stops listing it, and the
    /// harness drops its view, its metadata and its grain. Does nothing to an instance that is not due.
    /// </summary>
    Task ForgetAsync();

    Task<MetadataOptionsView> ModifyMetadataOptionsAsync(MetadataOptionsPatch patch);

    Task UpdateTagsAsync(TagUpdate update);
}
