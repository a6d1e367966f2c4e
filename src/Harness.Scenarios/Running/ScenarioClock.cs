using Harness.Runtime;

namespace Harness.Scenarios.Running;

/// <summary>
/// The time a scenario runs on. Steps wait only through it, so that on the virtual clock time can jump straight to
/// the next moment anything happens, and everything that runs concurrently (parallel groups, steps with <c>at:</c>)
/// goes through <see cref="RunConcurrentlyAsync"/>.
/// </summary>
public abstract class ScenarioClock
{
    public abstract DateTimeOffset Now { get; }

    /// <summary>Time zero of the run: the moment set-up finished.</summary>
    public DateTimeOffset Start { get; private set; }

    public TimeSpan Elapsed => Now - Start;

    public abstract bool IsVirtual { get; }

    public void MarkStart() => Start = Now;

    public Task SleepAsync(TimeSpan duration, CancellationToken cancellation) => WaitUntilAsync(Now + duration, cancellation);

    public abstract Task WaitUntilAsync(DateTimeOffset when, CancellationToken cancellation);

    /// <summary>Waits until something may have changed (the next poll, or the harness's next timer), but not past <paramref name="deadline"/>.</summary>
    public abstract Task WaitForChangeAsync(DateTimeOffset deadline, CancellationToken cancellation);

    public virtual Task RunConcurrentlyAsync(IReadOnlyList<Func<Task>> work) => Task.WhenAll(work.Select(Task.Run));

    /// <summary>Says that a step has just changed something (an API call, a client's run), which expectations waiting for a change must look at.</summary>
    public virtual void NoteChange()
    {
    }
}

/// <summary>Wall-clock time: waits take as long as they say, and conditions are polled every 20 ms.</summary>
public sealed class RealScenarioClock(TimeProvider time) : ScenarioClock
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public override DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The time it reads, for what runs beside the steps in real time (a scenario's load).</summary>
    public TimeProvider Time => time;

    public override bool IsVirtual => false;

    public override Task WaitUntilAsync(DateTimeOffset when, CancellationToken cancellation)
    {
        var delay = when - Now;
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, cancellation);
    }

    public override Task WaitForChangeAsync(DateTimeOffset deadline, CancellationToken cancellation)
    {
        var delay = deadline - Now;
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay < PollInterval ? delay : PollInterval, time, cancellation);
    }
}

/// <summary>
/// Simulated time for a harness built on the same <see cref="VirtualTimeProvider"/>. Steps take turns: exactly one
/// runs at a time, and it keeps the turn until it waits. When every step is waiting, the one that waits for the
/// earliest time (the first to start waiting, among equals) gets the turn, and the clock jumps to that time, firing
/// the harness's timers on the way. Waiting for a change wakes at the harness's next timer (a metadata change falling
/// due) or right after the next turn of another step (which may change what the API says), so an expectation sees
/// the exact moment a view caught up; a run takes only as long as its work, and concurrent steps interleave the
/// same way on every run.
/// </summary>
public sealed class VirtualScenarioClock(VirtualTimeProvider time) : ScenarioClock
{
    private readonly Lock gate = new();
    private readonly PriorityQueue<Sleeper, (long Ticks, long Order)> sleepers = new();
    private long order;
    private bool changed;

    /// <summary>Steps running or waiting; the one that creates the clock counts as the first.</summary>
    private int actors = 1;

    public override DateTimeOffset Now => time.GetUtcNow();

    public override bool IsVirtual => true;

    public override Task WaitUntilAsync(DateTimeOffset when, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return when <= Now ? Task.CompletedTask : ParkAsync(when, watching: false, cancellation);
    }

    /// <summary>
    /// Wakes at the earliest of the deadline, the harness's next timer, the next turn of a step that is not itself
    /// watching (after that turn, as it waited first), and the end of any turn in which a step changed something
    /// (<see cref="NoteChange"/>). A turn that only checks changes nothing, so watchers never wake each other forever.
    /// </summary>
    public override Task WaitForChangeAsync(DateTimeOffset deadline, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var now = Now;
        var target = deadline;
        if (time.NextDue is { } due && due > now && due < target)
        {
            target = due;
        }

        var sibling = false;
        lock (gate)
        {
            foreach (var (sleeper, _) in sleepers.UnorderedItems)
            {
                if (!sleeper.Watching && !sleeper.Completion.Task.IsCompleted && sleeper.When <= target)
                {
                    target = sleeper.When;
                    sibling = true;
                }
            }
        }

        return target <= now && !sibling ? Task.CompletedTask : ParkAsync(target, watching: true, cancellation);
    }

    /// <summary>
    /// Runs <paramref name="work"/> as steps of their own, each starting when its turn comes, in the order given. The
    /// caller lends its place to them and gets it back from the last one to finish, so nothing else runs in between.
    /// </summary>
    public override async Task RunConcurrentlyAsync(IReadOnlyList<Func<Task>> work)
    {
        if (work.Count == 0)
        {
            return;
        }

        lock (gate)
        {
            actors += work.Count - 1;
        }

        var remaining = work.Count;
        var parked = work.Select(w => (Work: w, Turn: ParkAsync(Now, watching: false, CancellationToken.None))).ToList();
        await Task.WhenAll(parked.Select(async p =>
        {
            try
            {
                await p.Turn;
                await p.Work();
            }
            finally
            {
                if (Interlocked.Decrement(ref remaining) > 0)
                {
                    lock (gate)
                    {
                        actors--;
                        WakeWatchersAfterChange();
                    }

                    PassTurn();
                }
            }
        }));
    }

    private Task ParkAsync(DateTimeOffset when, bool watching, CancellationToken cancellation)
    {
        var sleeper = new Sleeper(when, watching);
        lock (gate)
        {
            WakeWatchersAfterChange();
            sleepers.Enqueue(sleeper, (when.UtcTicks, ++order));
        }

        // A cancelled run wakes its sleepers with the cancellation.
        cancellation.Register(() => sleeper.Completion.TrySetCanceled(cancellation));
        PassTurn();
        return sleeper.Completion.Task;
    }

    public override void NoteChange()
    {
        lock (gate)
        {
            changed = true;
        }
    }

    /// <summary>At the end of a turn that changed something, brings every watcher's wake-up forward to now (under the lock).</summary>
    private void WakeWatchersAfterChange()
    {
        if (!changed)
        {
            return;
        }

        changed = false;
        var now = Now;
        var parked = sleepers.UnorderedItems.ToList();
        sleepers.Clear();
        foreach (var (sleeper, priority) in parked)
        {
            if (sleeper.Watching && sleeper.When > now)
            {
                sleeper.When = now;
                sleepers.Enqueue(sleeper, (now.UtcTicks, ++order));
            }
            else
            {
                sleepers.Enqueue(sleeper, priority);
            }
        }
    }

    /// <summary>When every step is waiting, gives the turn to the earliest, moving the clock to its time first.</summary>
    private void PassTurn()
    {
        Sleeper next;
        lock (gate)
        {
            while (sleepers.TryPeek(out var cancelled, out _) && cancelled.Completion.Task.IsCompleted)
            {
                sleepers.Dequeue();
            }

            if (sleepers.Count == 0 || sleepers.Count < actors)
            {
                return;
            }

            next = sleepers.Dequeue();
        }

        if (next.When > Now)
        {
            time.SetUtcNow(next.When);
        }

        next.Completion.TrySetResult();
    }

    private sealed class Sleeper(DateTimeOffset when, bool watching)
    {
        public DateTimeOffset When { get; set; } = when;

        /// <summary>Waiting for a change rather than for a time.</summary>
        public bool Watching { get; } = watching;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
