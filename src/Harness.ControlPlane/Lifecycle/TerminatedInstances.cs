using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Regions;

namespace Harness.ControlPlane.Lifecycle;

/// <summary>
/// Terminated instances waiting to be forgotten. EC2 lists a terminated instance for about an hour, then answers
/// for its id as for one it never knew; without this the harness would keep every instance ever launched. One timer on
/// <see cref="TimeProvider"/> fires at the earliest due time; each instance forgets itself in a turn of its own grain,
/// so nothing it is doing at that moment races with its removal.
/// </summary>
public sealed class TerminatedInstances : IDisposable
{
    private readonly Lock gate = new();
    private readonly IGrainFactory grains;
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly PriorityQueue<string, long> queue = new();
    private long armedTicks = long.MaxValue;
    private int forgetting;

    public TerminatedInstances(IGrainFactory grains, HarnessOptions options, TimeProvider time)
    {
        this.grains = grains;
        this.time = time;
        Retention = options.TerminatedRetention;
        timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Retention { get; }

    /// <summary>Terminated instances not yet forgotten (those whose grain is forgetting them now included).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return queue.Count + forgetting;
            }
        }
    }

    /// <summary>Instances due whose grain has not yet finished forgetting them: the timer hands the work to the grains.</summary>
    public int Forgetting
    {
        get
        {
            lock (gate)
            {
                return forgetting;
            }
        }
    }

    /// <summary>The instance (its grain key) terminated at <paramref name="at"/>; it is forgotten <see cref="Retention"/> later.</summary>
    internal void Terminated(string grainKey, DateTimeOffset at)
    {
        lock (gate)
        {
            queue.Enqueue(grainKey, (at + Retention).UtcTicks);
            Arm();
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            queue.Clear();
            Arm();
        }
    }

    public void Dispose() => timer.Dispose();

    private void OnTimer()
    {
        var due = new List<string>();
        lock (gate)
        {
            armedTicks = long.MaxValue;
            var now = time.GetUtcNow().UtcTicks;
            while (queue.TryPeek(out var key, out var ticks) && ticks <= now)
            {
                queue.Dequeue();
                due.Add(key);
                forgetting++;
            }

            Arm();
        }

        foreach (var key in due)
        {
            _ = ForgetAsync(key);
        }
    }

    private async Task ForgetAsync(string key)
    {
        try
        {
            // The grain checks again that it is still terminated and due.
            await grains.Get<IInstanceGrain>(key).ForgetAsync();
        }
        catch (Exception)
        {
            // Nobody to report to: the instance stays listed, as one EC2 is slow to forget.
        }
        finally
        {
            lock (gate)
            {
                forgetting--;
            }
        }
    }

    /// <summary>Arms the timer for the earliest due time. Called under the lock.</summary>
    private void Arm()
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

        if (next == armedTicks)
        {
            return;
        }

        var wait = TimeSpan.FromTicks(Math.Max(next - time.GetUtcNow().UtcTicks, TimeSpan.TicksPerMillisecond));
        armedTicks = next;
        timer.Change(wait, Timeout.InfiniteTimeSpan);
    }
}
