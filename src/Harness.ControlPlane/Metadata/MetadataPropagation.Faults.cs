using Harness.ControlPlane.Faults;
using Harness.Domain.Delays;
using Harness.Domain.Faults;

namespace Harness.ControlPlane.Metadata;

/// <summary>
/// Faults on the way to instances: stuck propagation holds changes until the fault ends, then they go in order;
/// <c>imds-never</c> parks them (in <see cref="Schedule"/>); a flap makes a change's result go away and come back; the
/// hot-plug quirk has a new interface report device-number 0 for a while. After-effects are echoes: entries on the
/// same queue that alter the view only while the change they echo is still the newest for its part.
/// </summary>
public sealed partial class MetadataPropagation
{
    /// <summary>Whether instances keep their past views: only while a stale-read fault is in force.</summary>
    private bool RemembersViews
    {
        get
        {
            foreach (var fault in faults.Metadata)
            {
                if (fault.Spec.Kind == FaultKinds.ImdsStale)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The first fault in force of <paramref name="kind"/> covering this change, if any.</summary>
    private ActiveFault? Covering(string kind, string instanceId, MetadataDelta delta)
    {
        foreach (var fault in faults.Metadata)
        {
            if (fault.Spec.Kind == kind && (fault.Spec.ChangeKind is null || fault.Spec.ChangeKind == delta.Kind)
                && fault.Covers(instanceId, delta.NetworkInterfaceId))
            {
                return fault;
            }
        }

        return null;
    }

    /// <summary>A due change a stuck fault holds: it waits, marked held, for the fault to end. Called under the lock.</summary>
    private bool Hold(PendingChange change)
    {
        if (change.EchoOf is not null || Covering(FaultKinds.ImdsStuck, change.InstanceId, change.Delta) is not { } stuck)
        {
            return false;
        }

        change.Status = ChangeStatus.Held;
        change.Fault = stuck.Name;
        faults.Touched(stuck, "propagation", change.InstanceId, Describe(change.Delta), "held until the fault ends");
        return true;
    }

    /// <summary>A stuck fault ended: what it held goes on its way now, oldest first, unless another stuck fault holds it.</summary>
    private void OnFaultEnded(ActiveFault ended)
    {
        if (ended.Spec.Kind != FaultKinds.ImdsStuck)
        {
            return;
        }

        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var track in tracks.Values)
            {
                foreach (var change in track.Waiting.Where(c => c.Status == ChangeStatus.Held).ToList())
                {
                    if (!Hold(change) && Deliver(change, now, effects: true))
                    {
                        faults.Touched(ended, "propagation", change.InstanceId, Describe(change.Delta), "released");
                    }
                }
            }

            Arm(now);
        }
    }

    /// <summary>Schedules what the faults in force make of a change the instance has just seen. Called under the lock.</summary>
    private void AfterEffects(InstanceTrack track, PendingChange change, DateTimeOffset now)
    {
        if (faults.Metadata.Length == 0 || change.EchoOf is not null || !track.IsNewest(change))
        {
            return;
        }

        var delta = change.Delta;
        var instanceId = track.Slot.InstanceId;
        if (delta.Kind == MetadataChangeKinds.InterfaceAttached && Covering(FaultKinds.ImdsHotplug, instanceId, delta) is { } hotplug)
        {
            var lasts = hotplug.Spec.Lasts!.Value;
            faults.Touched(hotplug, "propagation", instanceId, Describe(delta), $"device-number 0 for {DelayFormat.Duration(lasts)}");
            Echo(change, delta with { Detail = $"device-number {delta.Interface!.DeviceNumber} at last (hot-plug quirk)" }, now + lasts, hotplug);
        }

        if (MetadataChangeKinds.IsInterfacePart(delta.Kind) && Covering(FaultKinds.ImdsFlap, instanceId, delta) is { } flap
            && change.Before is { } before)
        {
            var interval = flap.Spec.Interval!.Value;
            var times = flap.Spec.Times!.Value;
            faults.Touched(flap, "propagation", instanceId, Describe(delta), $"flaps {times}× every {DelayFormat.Duration(interval)}");
            for (var i = 1; i <= times; i++)
            {
                Echo(change, delta with { Interface = before, Detail = Invert(delta.Detail) + " (flap)" }, now + (interval * (2 * i - 1)), flap);
                Echo(change, delta with { Detail = delta.Detail + " (flap)" }, now + (interval * (2 * i)), flap);
            }
        }
    }

    /// <summary>The view with a newly attached interface reporting device-number 0, when a hot-plug fault covers the attach.</summary>
    private MetadataView WithHotplugQuirk(PendingChange change, MetadataView view) =>
        faults.Metadata.Length > 0 && change.EchoOf is null && change.Delta.Kind == MetadataChangeKinds.InterfaceAttached
        && Covering(FaultKinds.ImdsHotplug, change.InstanceId, change.Delta) is not null
            ? InstanceTrack.WithHotplugQuirk(view, change.Delta.Mac!)
            : view;

    private void Echo(PendingChange origin, MetadataDelta delta, DateTimeOffset due, ActiveFault fault)
    {
        var echo = new PendingChange(++sequence, origin.InstanceId, delta, origin.SeenAt ?? due) { EchoOf = origin.Sequence, DueAt = due, Fault = fault.Name };
        timeline.Add(echo);
        queue.Enqueue(echo, (due.UtcTicks, echo.Sequence));
    }

    private static string Describe(MetadataDelta delta) => delta.Detail.Length == 0 ? delta.Kind : $"{delta.Kind} {delta.Detail}";

    /// <summary><c>+a -b</c> becomes <c>-a +b</c>: what undoing the change shows.</summary>
    private static string Invert(string detail) => string.Join(' ', detail.Split(' ').Select(part => part switch
    {
        ['+', .. var rest] => "-" + rest,
        ['-', .. var rest] => "+" + rest,
        _ => part,
    }));
}
