namespace Harness.ControlPlane.Metadata;

/// <summary>Where a change stands on its way to an instance (<see cref="MetadataEvent.Status"/>).</summary>
public static class ChangeStatus
{
    /// <summary>Queued with a due time.</summary>
    public const string Pending = "pending";

    /// <summary>Seen by the instance.</summary>
    public const string Applied = "applied";

    /// <summary>Held by a stuck-propagation fault; goes on its way, in order, when the fault ends.</summary>
    public const string Held = "held";

    /// <summary>Drew <c>never</c>: parked until a flush; later changes still arrive.</summary>
    public const string Never = "never";

    /// <summary>A forced detach the instance will not see until it is stopped and started.</summary>
    public const string Stale = "stale";

    /// <summary>A newer change to the same values reached the instance first, or the instance is gone.</summary>
    public const string Superseded = "superseded";
}
