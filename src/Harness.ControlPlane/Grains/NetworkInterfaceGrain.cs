using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;

namespace Harness.ControlPlane.Grains;

internal sealed class NetworkInterfaceGrain(RegionDirectory regions, MetadataPropagation propagation, TimeProvider time)
    : PublishingGrain<NetworkInterfaceRecord>, INetworkInterfaceGrain
{
    /// <summary>
    /// An unattached interface has no instance type to take a limit from; the harness allows 50 addresses, the
    /// figure ECS documents for a detached interface (seed 002). Attaching applies the instance type's limit.
    /// </summary>
    public const int UnattachedMaxIpv4 = 50;

    private NetworkInterfaceView? view;
    private NetworkInterfaceView? published;
    private string region = "";
    private RegionState state = null!;

    private NetworkInterfaceView View => view ?? throw NotFound(GrainKeys.Split(this.GetPrimaryKeyString()).Id);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GrainKeys.Split(this.GetPrimaryKeyString());
        region = key.Region;
        state = regions.Get(key.Generation, key.Region);
        return RestoreAsync();
    }

    // A deleted interface keeps a record without its view (until a reset deletes the world's records): brought back, it
    // tells every process the interface is gone, in case its process died before it said so.
    protected override NetworkInterfaceRecord Save() => new() { View = view };

    protected override IEnumerable<(RegionState, ReadModelTable, string, object?)> Restore(NetworkInterfaceRecord saved)
    {
        view = published = saved.View;
        if (view is null)
        {
            yield return (state, ReadModelTable.NetworkInterfaces, GrainKeys.Split(this.GetPrimaryKeyString()).Id, null);
            yield break;
        }

        yield return (state, ReadModelTable.NetworkInterfaces, View.NetworkInterfaceId, View);
        if (View.Attachment is { } attachment)
        {
            yield return (state, ReadModelTable.Attachments, attachment.AttachmentId, View.NetworkInterfaceId);
        }
    }

    public async Task<NetworkInterfaceView> CreateAsync(CreateInterfaceSpec spec)
    {
        await Subnet(spec.SubnetId).AddInterfaceAsync(spec.NetworkInterfaceId, spec.PrimaryAddress, spec.Secondaries with { MaxIpv4 = UnattachedMaxIpv4 });
        view = new NetworkInterfaceView(
            spec.NetworkInterfaceId, spec.SubnetId, spec.VpcId, spec.AvailabilityZone, spec.AvailabilityZoneId, spec.MacAddress,
            spec.Description, spec.GroupIds, SourceDestCheck: true, Status: "available", spec.InterfaceType, Attachment: null,
            spec.Tags, spec.Sequence);
        return Publish();
    }

    public async Task<NetworkInterfaceView> AttachAsync(AttachCommand command)
    {
        var current = View;
        if (current.Attachment is not null)
        {
            throw new Ec2Exception("InvalidNetworkInterface.InUse", $"Interface: [{current.NetworkInterfaceId}] in use.");
        }

        // The subnet holds the limit, so that an assign goes to it directly; set before the attachment shows.
        await Subnet(current.SubnetId).SetLimitAsync(current.NetworkInterfaceId, command.MaxIpv4PerInterface);

        var attachment = new AttachmentView(
            command.AttachmentId, command.InstanceId, command.DeviceIndex, command.NetworkCardIndex, command.DeleteOnTermination,
            time.GetUtcNow(), "attached");
        view = current with { Attachment = attachment, Status = "in-use" };
        SetEntry(state, ReadModelTable.Attachments, command.AttachmentId, current.NetworkInterfaceId);
        return Publish();
    }

    public async Task DetachAsync(string attachmentId)
    {
        var current = View;
        if (current.Attachment?.AttachmentId != attachmentId)
        {
            throw AttachmentNotFound(attachmentId);
        }

        SetEntry(state, ReadModelTable.Attachments, attachmentId, null);
        view = current with { Attachment = null, Status = "available" };
        Publish();
        await Subnet(current.SubnetId).SetLimitAsync(current.NetworkInterfaceId, UnattachedMaxIpv4);
    }

    public Task ModifyAsync(ModifyInterfaceCommand command)
    {
        var current = View;
        if (command.AttachmentId is not null && current.Attachment?.AttachmentId != command.AttachmentId)
        {
            throw AttachmentNotFound(command.AttachmentId);
        }

        view = current with
        {
            Description = command.Description ?? current.Description,
            GroupIds = command.GroupIds ?? current.GroupIds,
            SourceDestCheck = command.SourceDestCheck ?? current.SourceDestCheck,
            Attachment = current.Attachment is { } a && command.DeleteOnTermination is { } delete
                ? a with { DeleteOnTermination = delete }
                : current.Attachment,
        };
        Publish();
        return Task.CompletedTask;
    }

    public Task UpdateTagsAsync(TagUpdate update)
    {
        view = View with { Tags = TagSet.Apply(View.Tags, update) };
        Publish();
        return Task.CompletedTask;
    }

    public async Task DeleteAsync(bool evenIfAttached)
    {
        var current = View;
        if (current.Attachment is not null && !evenIfAttached)
        {
            // Real EC2 answers this with InvalidParameterValue (docs/ec2-error-messages.md), not InvalidNetworkInterface.InUse.
            throw Ec2Errors.InvalidParameterValue($"Network interface '{current.NetworkInterfaceId}' is currently in use.");
        }

        // The view goes first: a Describe may briefly miss the addresses, but never shows an interface without them.
        SetEntry(state, ReadModelTable.NetworkInterfaces, current.NetworkInterfaceId, null);
        if (current.Attachment is not null)
        {
            SetEntry(state, ReadModelTable.Attachments, current.Attachment.AttachmentId, null);
        }

        propagation.InterfaceChanged(region, published, null);
        published = null;
        await Subnet(current.SubnetId).RemoveInterfaceAsync(current.NetworkInterfaceId);

        // Gone from the grain's record only now (it is written before the call above): if the subnet's call fails, or a
        // process dies between the two, a retry of the delete still finds the interface and finishes it.
        view = null;

        // A deleted interface has nothing left to hold: without this, every interface ever created (each launch makes
        // one) would keep an activation for as long as the harness runs.
        DeactivateOnIdle();
    }

    internal static Ec2Exception NotFound(string id) =>
        Ec2Errors.NotFound("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{id}' does not exist");

    internal static Ec2Exception AttachmentNotFound(string id) =>
        Ec2Errors.NotFound("InvalidAttachmentID.NotFound", $"The network interface attachment ID '{id}' does not exist");

    private ISubnetGrain Subnet(string subnetId) => GrainFactory.Get<ISubnetGrain>(GrainKeys.For(state, subnetId));

    private NetworkInterfaceView Publish()
    {
        var before = published;
        published = View;
        SetEntry(state, ReadModelTable.NetworkInterfaces, View.NetworkInterfaceId, View);
        propagation.InterfaceChanged(region, before, published);
        return published;
    }
}

/// <summary>An interface grain's state, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class NetworkInterfaceRecord
{
    [Id(0)] public NetworkInterfaceView? View { get; init; }
}
