namespace Harness.ControlPlane.Metadata;

/// <summary>
/// One line of the timeline: a control-plane change that alters what an instance's metadata shows, when it was
/// made, when it was due to reach the instance and when the instance saw it.
/// </summary>
/// <param name="DueAt">Null when the change never propagates (a <c>never</c> draw, or a forced detach's staleness).</param>
/// <param name="Status">
/// <c>pending</c>, <c>applied</c>, <c>never</c> (parked until a flush), <c>held</c> (by a stuck-propagation fault),
/// <c>stale</c> (a forced detach the instance will not see until it is stopped and started), or <c>superseded</c> (a newer
/// change to the same values reached the instance first).
/// </param>
/// <param name="Fault">The fault that held, parked or echoed the change (a flap's phase, the end of the hot-plug quirk), if any.</param>
public sealed record MetadataEvent(
    long Sequence, string InstanceId, string Kind, string? NetworkInterfaceId, string? Mac, string Detail,
    DateTimeOffset MadeAt, DateTimeOffset? DueAt, DateTimeOffset? SeenAt, string Status, string? Fault = null);
