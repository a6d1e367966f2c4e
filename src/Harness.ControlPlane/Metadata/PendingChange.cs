namespace Harness.ControlPlane.Metadata;

/// <summary>A change on its way to one instance. Mutable, and touched only under the propagation lock.</summary>
internal sealed class PendingChange(long sequence, string instanceId, MetadataDelta delta, DateTimeOffset madeAt) : ISequenced
{
    public long Sequence { get; } = sequence;

    public string InstanceId { get; } = instanceId;

    public MetadataDelta Delta { get; } = delta;

    public DateTimeOffset MadeAt { get; } = madeAt;

    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? SeenAt { get; set; }

    public string Status { get; set; } = ChangeStatus.Pending;

    // What faults make of a change, in a note of its own: most changes meet no fault, and every pending change and
    // timeline entry would otherwise carry these fields (hundreds of thousands of them under load).
    private FaultNote? note;

    /// <summary>For a fault's after-effect (a flap's phase, the end of the hot-plug quirk): the change whose result it alters.</summary>
    public long? EchoOf
    {
        get => note?.EchoOf;
        init => Note.EchoOf = value;
    }

    /// <summary>The interface as the instance showed it just before this change reached it (what a flap goes back to).</summary>
    public InterfaceMetadata? Before
    {
        get => note?.Before;
        set => Note.Before = value;
    }

    /// <summary>The name of the fault that held, parked or echoed this change.</summary>
    public string? Fault
    {
        get => note?.Fault;
        set => Note.Fault = value;
    }

    /// <summary>Its place in the instance's list of waiting changes, so leaving it costs nothing wherever it sits.</summary>
    public LinkedListNode<PendingChange>? Waiting { get; set; }

    public bool IsWaiting => Status is ChangeStatus.Pending or ChangeStatus.Never or ChangeStatus.Held;

    private FaultNote Note => note ??= new FaultNote();

    public MetadataEvent ToEvent() =>
        new(Sequence, InstanceId, Delta.Kind, Delta.NetworkInterfaceId, Delta.Mac, Delta.Detail, MadeAt, DueAt, SeenAt, Status, Fault);
}

/// <summary>What faults did to one change.</summary>
internal sealed class FaultNote
{
    public long? EchoOf { get; set; }

    public InterfaceMetadata? Before { get; set; }

    public string? Fault { get; set; }
}
