using System.Collections.Immutable;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Catalog;
using Harness.Domain.Errors;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// A simulated instance. Lifecycle transitions complete at once in the control plane (the API answers with
/// EC2's intermediate state, Describe shows the settled one); calls go down to interfaces, never back up. A running
/// instance holds its vCPUs in the region's quota (<see cref="IVcpuQuota"/>); a terminated one is forgotten after the retention.
/// </summary>
internal sealed class InstanceGrain(
    RegionDirectory regions, MetadataPropagation propagation, IVcpuQuota vcpus, TerminatedInstances terminated, TimeProvider time)
    : PublishingGrain<InstanceRecord>, IInstanceGrain
{
    private InstanceView? view;
    private string region = "";
    private RegionState state = null!;
    private bool holdsVcpus;
    private DateTimeOffset terminatedAt;

    private InstanceView View => view ?? throw NotFound(GrainKeys.Split(this.GetPrimaryKeyString()).Id);

    private InstanceTypeInfo TypeInfo => InstanceTypeCatalog.Of(View.InstanceType);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GrainKeys.Split(this.GetPrimaryKeyString());
        region = key.Region;
        state = regions.Get(key.Generation, key.Region);
        return RestoreAsync();
    }

    // A forgotten instance keeps a record without its view (until a reset deletes the world's records): brought back, it
    // tells every process the instance is gone, in case its process died before it said so.
    protected override InstanceRecord Save() => new() { View = view, HoldsVcpus = holdsVcpus, TerminatedAt = terminatedAt };

    protected override IEnumerable<(RegionState, ReadModelTable, string, object?)> Restore(InstanceRecord saved)
    {
        (view, holdsVcpus, terminatedAt) = (saved.View, saved.HoldsVcpus, saved.TerminatedAt);
        if (view is null)
        {
            return [(state, ReadModelTable.Instances, GrainKeys.Split(this.GetPrimaryKeyString()).Id, null)];
        }

        if (View.State.Name == "terminated")
        {
            // This process forgets it after the retention, as the process that terminated it would have.
            terminated.Terminated(this.GetPrimaryKeyString(), terminatedAt);
        }

        return [(state, ReadModelTable.Instances, View.InstanceId, View)];
    }

    public async Task<InstanceView> LaunchAsync(LaunchSpec spec)
    {
        var type = InstanceTypeCatalog.Of(spec.InstanceType);

        // Taken first, so that a launch that does not fit attaches nothing; RunInstances launches what fits of its count.
        await vcpus.TakeAsync(state, spec.InstanceType);
        holdsVcpus = true;
        var primaryNic = spec.Interfaces.Single(n => n.DeviceIndex == 0 && n.NetworkCardIndex == 0);
        var attachments = ImmutableArray.CreateBuilder<InstanceAttachment>();
        try
        {
            foreach (var nic in spec.Interfaces.OrderBy(n => n.NetworkCardIndex).ThenBy(n => n.DeviceIndex))
            {
                await Interface(nic.NetworkInterfaceId).AttachAsync(new AttachCommand(
                    spec.InstanceId, nic.AttachmentId, nic.DeviceIndex, nic.NetworkCardIndex, nic.DeleteOnTermination, type.Ipv4AddressesPerInterface));
                attachments.Add(new InstanceAttachment(nic.DeviceIndex, nic.NetworkCardIndex, nic.NetworkInterfaceId, nic.AttachmentId));
            }
        }
        catch (Ec2Exception)
        {
            // Nothing half-attached may outlive a failed launch: let go of what this launch attached.
            foreach (var attached in attachments)
            {
                await Interface(attached.NetworkInterfaceId).DetachAsync(attached.AttachmentId);
            }

            await ReleaseVcpusAsync(spec.InstanceType);
            throw;
        }

        if (spec.Stopped)
        {
            // The quota was met as a launch meets it; a stopped instance holds none of it.
            await ReleaseVcpusAsync(spec.InstanceType);
        }

        state.TryGetInterface(primaryNic.NetworkInterfaceId, out _, out var primary);
        view = new InstanceView(
            spec.InstanceId, spec.ReservationId, spec.AmiLaunchIndex, spec.ImageId, spec.InstanceType,
            spec.Stopped ? InstanceStateView.Stopped : InstanceStateView.Running, "",
            spec.SubnetId, spec.VpcId, spec.AvailabilityZone, Domain.Net.Ipv4.Format(primary.Primary), time.GetUtcNow(),
            spec.KeyName, spec.ClientToken, spec.MetadataOptions, attachments.ToImmutable(), spec.Tags);
        return Publish();
    }

    public async Task<string> AttachAsync(string networkInterfaceId, string attachmentId, int deviceIndex, int networkCardIndex)
    {
        var current = View;
        RequireState(current, "running", "stopped");
        if (networkCardIndex >= TypeInfo.MaximumNetworkCards)
        {
            throw Ec2Errors.InvalidParameterValue($"Network card index {networkCardIndex} is not supported by instance type {current.InstanceType}.");
        }

        if (current.Attachments.Any(a => a.DeviceIndex == deviceIndex && a.NetworkCardIndex == networkCardIndex))
        {
            throw Ec2Errors.InvalidParameterValue($"Instance '{current.InstanceId}' already has an interface attached at device index '{deviceIndex}'.");
        }

        if (current.Attachments.Length + 1 > TypeInfo.MaxNetworkInterfaces)
        {
            throw new Ec2Exception("AttachmentLimitExceeded", $"Interface count {current.Attachments.Length + 1} exceeds the limit for {current.InstanceType}");
        }

        if (state.NetworkInterfaces.TryGetValue(networkInterfaceId, out var nic) && nic.AvailabilityZone != current.AvailabilityZone)
        {
            throw Ec2Errors.InvalidParameterCombination(
                "You may not attach a network interface to an instance if they are not in the same availability zone");
        }

        await Interface(networkInterfaceId).AttachAsync(new AttachCommand(
            current.InstanceId, attachmentId, deviceIndex, networkCardIndex, DeleteOnTermination: false, TypeInfo.Ipv4AddressesPerInterface));
        view = current with { Attachments = current.Attachments.Add(new InstanceAttachment(deviceIndex, networkCardIndex, networkInterfaceId, attachmentId)) };
        Publish();
        return attachmentId;
    }

    public async Task DetachAsync(string attachmentId, bool force)
    {
        var current = View;
        var attachment = current.Attachments.SingleOrDefault(a => a.AttachmentId == attachmentId)
            ?? throw NetworkInterfaceGrain.AttachmentNotFound(attachmentId);
        if (attachment.DeviceIndex == 0 && attachment.NetworkCardIndex == 0)
        {
            throw new Ec2Exception("OperationNotPermitted", "The network interface at device index 0 and networkCard index 0 cannot be detached.");
        }

        // Force changes what the instance's metadata shows (stale until a stop and start), not what the API shows.
        if (force)
        {
            propagation.ExpectForcedDetach(current.InstanceId, attachment.NetworkInterfaceId);
            NoteForcedDetach(state, current.InstanceId, attachment.NetworkInterfaceId, expected: true);
        }

        try
        {
            await Interface(attachment.NetworkInterfaceId).DetachAsync(attachmentId);
        }
        catch when (force)
        {
            propagation.CancelForcedDetach(current.InstanceId, attachment.NetworkInterfaceId);
            NoteForcedDetach(state, current.InstanceId, attachment.NetworkInterfaceId, expected: false);
            throw;
        }

        view = current with { Attachments = current.Attachments.Remove(attachment) };
        Publish();
    }

    public async Task<StateChange> StopAsync()
    {
        var current = View;
        if (current.State.Name is "terminated" or "shutting-down")
        {
            throw Ec2Errors.IncorrectInstanceState($"This instance '{current.InstanceId}' is not in a state from which it can be stopped.");
        }

        var reported = current.State.Name == "stopped" ? InstanceStateView.Stopped : InstanceStateView.Stopping;
        await ReleaseVcpusAsync(current.InstanceType);
        return Transition(current, reported, InstanceStateView.Stopped, "User initiated");
    }

    public async Task<StateChange> StartAsync()
    {
        var current = View;
        if (current.State.Name is "terminated" or "shutting-down")
        {
            throw Ec2Errors.IncorrectInstanceState($"The instance '{current.InstanceId}' is not in a state from which it can be started.");
        }

        if (!holdsVcpus)
        {
            // A stopped instance holds none: starting it may meet the quota as a launch does.
            await vcpus.TakeAsync(state, current.InstanceType);
            holdsVcpus = true;
        }

        var reported = current.State.Name == "running" ? InstanceStateView.Running : InstanceStateView.Pending;
        return Transition(current, reported, InstanceStateView.Running, "");
    }

    public async Task<StateChange> TerminateAsync()
    {
        var current = View;
        if (current.State.Name == "terminated")
        {
            return new StateChange(current.InstanceId, current.State, current.State);
        }

        // The instance is gone before its interfaces are let go, so its metadata sees one termination, not a detach per interface.
        view = current with { State = InstanceStateView.Terminated };
        Publish();
        await ReleaseVcpusAsync(current.InstanceType);
        terminatedAt = time.GetUtcNow();
        terminated.Terminated(this.GetPrimaryKeyString(), terminatedAt);
        foreach (var attachment in current.Attachments)
        {
            var deleteOnTermination = state.NetworkInterfaces.TryGetValue(attachment.NetworkInterfaceId, out var nic)
                && nic.Attachment?.DeleteOnTermination == true;
            if (deleteOnTermination)
            {
                await Interface(attachment.NetworkInterfaceId).DeleteAsync(evenIfAttached: true);
            }
            else
            {
                await Interface(attachment.NetworkInterfaceId).DetachAsync(attachment.AttachmentId);
            }
        }

        return Transition(current with { Attachments = [] }, InstanceStateView.ShuttingDown, InstanceStateView.Terminated, "User initiated");
    }

    public async Task AbortLaunchAsync(ImmutableArray<string> createdInterfaces)
    {
        var current = View;
        foreach (var attachment in current.Attachments)
        {
            if (createdInterfaces.Contains(attachment.NetworkInterfaceId))
            {
                await Interface(attachment.NetworkInterfaceId).DeleteAsync(evenIfAttached: true);
            }
            else
            {
                await Interface(attachment.NetworkInterfaceId).DetachAsync(attachment.AttachmentId);
            }
        }

        SetEntry(state, ReadModelTable.Instances, current.InstanceId, null);
        propagation.InstanceRemoved(current.InstanceId);
        await ReleaseVcpusAsync(current.InstanceType);
        view = null;
        DeactivateOnIdle();
    }

    public Task ForgetAsync()
    {
        // A stale reminder (the harness was reset and the id drawn again) finds a live instance, or one not yet due; a grain of
        // a world before a reset must not touch the metadata of the new world's instance of the same id.
        if (state.Generation != regions.Generation || view is not { State.Name: "terminated" } current || time.GetUtcNow() < terminatedAt + terminated.Retention)
        {
            return Task.CompletedTask;
        }

        SetEntry(state, ReadModelTable.Instances, current.InstanceId, null);
        propagation.InstanceRemoved(current.InstanceId);
        view = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<MetadataOptionsView> ModifyMetadataOptionsAsync(MetadataOptionsPatch patch)
    {
        var current = View;
        RequireState(current, "running", "stopped", "pending", "stopping");
        var options = current.MetadataOptions;
        options = new MetadataOptionsView(
            patch.HttpTokens ?? options.HttpTokens,
            patch.HttpPutResponseHopLimit ?? options.HttpPutResponseHopLimit,
            patch.HttpEndpoint ?? options.HttpEndpoint,
            patch.HttpProtocolIpv6 ?? options.HttpProtocolIpv6,
            patch.InstanceMetadataTags ?? options.InstanceMetadataTags);
        view = current with { MetadataOptions = options };
        Publish();
        return Task.FromResult(options);
    }

    public Task UpdateTagsAsync(TagUpdate update)
    {
        view = View with { Tags = TagSet.Apply(View.Tags, update) };
        Publish();
        return Task.CompletedTask;
    }

    internal static Ec2Exception NotFound(string id) =>
        Ec2Errors.NotFound("InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");

    private static void RequireState(InstanceView current, params string[] allowed)
    {
        if (!allowed.Contains(current.State.Name))
        {
            throw Ec2Errors.IncorrectInstanceState($"The instance '{current.InstanceId}' is not in a valid state for this operation.");
        }
    }

    private StateChange Transition(InstanceView current, InstanceStateView reported, InstanceStateView settled, string reason)
    {
        view = current with { State = settled, StateTransitionReason = reason.Length == 0 ? "" : $"{reason} ({time.GetUtcNow():yyyy-MM-dd HH:mm:ss} GMT)" };
        Publish();
        return new StateChange(current.InstanceId, current.State, reported);
    }

    private async ValueTask ReleaseVcpusAsync(string instanceType)
    {
        if (holdsVcpus)
        {
            holdsVcpus = false;
            await vcpus.ReleaseAsync(state, instanceType);
        }
    }

    private INetworkInterfaceGrain Interface(string id) => GrainFactory.Get<INetworkInterfaceGrain>(GrainKeys.For(state, id));

    private InstanceView Publish()
    {
        SetEntry(state, ReadModelTable.Instances, View.InstanceId, View);
        propagation.InstanceChanged(region, View.InstanceId);
        return View;
    }
}

/// <summary>An instance grain's state, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class InstanceRecord
{
    [Id(0)] public InstanceView? View { get; init; }

    [Id(1)] public bool HoldsVcpus { get; init; }

    [Id(2)] public DateTimeOffset TerminatedAt { get; init; }
}
