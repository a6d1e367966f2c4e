namespace Harness.ControlPlane.Metadata;

/// <summary>Delivery: the timer, applying what is due, flushing, resetting.</summary>
public sealed partial class MetadataPropagation
{
    /// <summary>
    /// Applies every change still on its way, "never" ones included, as if all were due now. A forced detach's
    /// staleness is not on its way: only a stop and start ends it.
    /// </summary>
    public int Flush()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var applied = 0;
            while (queue.TryDequeue(out var change, out _))
            {
                applied += Deliver(change, now) ? 1 : 0;
            }

            foreach (var track in tracks.Values)
            {
                foreach (var change in track.Waiting.ToList())
                {
                    applied += Deliver(change, now) ? 1 : 0;
                }

                // Nothing is in flight any more: a later change must not wait behind a due time that has been skipped.
                track.LastDue = now;
            }

            Arm(now);
            return applied;
        }
    }

    /// <summary>Forgets every instance and event, restores the settings the harness started with, and starts a new generation.</summary>
    public void Reset()
    {
        lock (gate)
        {
            tracks.Clear();
            slotsById.Clear();
            slotsByAddress.Clear();
            queue.Clear();
            timeline.Clear();
            sequence = 0;
            nextAddressIndex = 0;
            freeAddresses.Clear();
            Volatile.Write(ref settings, options.Propagation);
            Generation++;
            Arm(time.GetUtcNow());
        }
    }

    /// <summary>Takes a cluster's count of resets (a process that joins after one), so that its keys agree with the others'.</summary>
    public void AdoptGeneration(long generation)
    {
        lock (gate)
        {
            Generation = Math.Max(Generation, generation);
        }
    }

    public void Dispose() => timer.Dispose();

    private void OnTimer()
    {
        lock (gate)
        {
            armedTicks = long.MaxValue;
            Settle();
        }
    }

    /// <summary>Delivers what is due and arms the timer for the next due time. Called under the lock.</summary>
    private void Settle()
    {
        var now = time.GetUtcNow();
        while (queue.TryPeek(out var change, out var due) && due.DueTicks <= now.UtcTicks)
        {
            queue.Dequeue();
            if (change.IsWaiting && !Hold(change))
            {
                Deliver(change, now, effects: true);
            }
        }

        Arm(now);
    }

    private void Arm(DateTimeOffset now)
    {
        if (!queue.TryPeek(out _, out var next))
        {
            if (armedTicks != long.MaxValue)
            {
                timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                armedTicks = long.MaxValue;
            }

            return;
        }

        if (next.DueTicks == armedTicks)
        {
            return;
        }

        // The exact wait, so a fake clock delivers at the due tick. A real timer that fires a little early only
        // re-arms, and a wait under a millisecond becomes one rather than a spin.
        var wait = TimeSpan.FromTicks(next.DueTicks - now.UtcTicks);
        if (wait < TimeSpan.FromMilliseconds(1))
        {
            wait = TimeSpan.FromMilliseconds(1);
        }

        armedTicks = next.DueTicks;
        timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    /// <param name="effects">Let the faults in force have their after-effects (not when flushing: a flush settles everything).</param>
    private bool Deliver(PendingChange change, DateTimeOffset now, bool effects = false)
    {
        if (!change.IsWaiting || !tracks.TryGetValue(change.InstanceId, out var track))
        {
            return false;
        }

        var shown = track.Slot.View;
        if (faults.Metadata.Length > 0 && change.Delta.Mac is { } mac)
        {
            // What a flap goes back to; only faults need it.
            change.Before = shown.FindByMac(mac);
        }

        var view = change.EchoOf is { } origin ? track.ApplyEcho(shown, change.Delta, origin) : track.Apply(shown, change);
        if (view is null)
        {
            change.Status = ChangeStatus.Superseded;
        }
        else
        {
            // The hot-plug quirk is in the very view that first shows the interface, so no read sees the real number first.
            view = effects ? WithHotplugQuirk(change, view) : view;
            track.Slot.Publish(view, now, RemembersViews);
            change.Status = ChangeStatus.Applied;
            change.SeenAt = now;
        }

        track.StopWaiting(change);
        if (view is not null && effects)
        {
            AfterEffects(track, change, now);
        }

        return view is not null;
    }
}
