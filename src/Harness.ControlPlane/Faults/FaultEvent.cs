using Harness.ControlPlane.Metadata;

namespace Harness.ControlPlane.Faults;

/// <summary>One line of the fault timeline: a fault added, cleared or expired, or a request or change it touched.</summary>
/// <param name="Event"><c>added</c>, <c>cleared</c>, <c>expired</c>, or <c>touched</c>.</param>
/// <param name="Channel"><c>imds</c> (a metadata request), <c>ec2</c> (an API call), <c>propagation</c> (a change on its way), or null for the fault's own events.</param>
/// <param name="Target">The metadata path, the EC2 action, or the change (<c>private-ipv4s +10.0.1.50</c>).</param>
/// <param name="Detail">What the fault did (<c>503</c>, <c>dropped</c>, <c>+250ms</c>, <c>held</c>, …).</param>
public sealed record FaultEvent(
    long Sequence, DateTimeOffset At, string FaultId, string Name, string Kind, string Event, string? Channel, string? InstanceId,
    string? Target, string? Detail) : ISequenced;
