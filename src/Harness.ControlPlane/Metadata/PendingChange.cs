namespace Harness.ControlPlane.Metadata;

/// <summary>A change on its way to one instance. Mutable, and touched only under the propagation lock.</summary>
internal sealed class PendingChange(long sequence, string instanceId, MetadataDelta delta, DateTimeOffset madeAt)
{
    public long Sequence { get; } = sequence;

    public string InstanceId { get; } = instanceId;

    public MetadataDelta Delta { get; } = delta;

    public DateTimeOffset MadeAt { get; } = madeAt;

    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? SeenAt { get; set; }

    public string Status { get; set; } = ChangeStatus.Pending;

    /// <summary>Its place in the instance's list of waiting changes, so leaving it costs nothing wherever it sits.</summary>
    public LinkedListNode<PendingChange>? Waiting { get; set; }

    public bool IsWaiting => Status is ChangeStatus.Pending or ChangeStatus.Never;

    public MetadataEvent ToEvent() =>
        new(Sequence, InstanceId, Delta.Kind, Delta.NetworkInterfaceId, Delta.Mac, Delta.Detail, MadeAt, DueAt, SeenAt, Status);
}
