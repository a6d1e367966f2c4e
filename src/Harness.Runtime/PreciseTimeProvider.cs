using System.Diagnostics;

namespace Harness.Runtime;

/// <summary>
/// The system clock with timers that fire on time. .NET's timer queue on Linux counts due times in
/// <see cref="Environment.TickCount64"/>, which reads CLOCK_MONOTONIC_COARSE and so moves in steps of the kernel tick
/// (4 ms here): a 1 ms timer fires 0–4 ms late. These timers are kept by one dedicated thread that waits with
/// <see cref="Monitor.Wait(object, int)"/> (pthread_cond_timedwait on CLOCK_MONOTONIC, accurate to about 0.1 ms) and
/// hands each callback to the thread pool, as System.Threading.Timer does. The harness host uses it for real time;
/// propagation delays land within about a millisecond of their due time instead of up to a kernel tick late
/// (load/bench/imds.sh measures both).
/// </summary>
public sealed class PreciseTimeProvider : TimeProvider, IDisposable
{
    private readonly object gate = new();
    private readonly PriorityQueue<(Entry Timer, long Version), long> queue = new();
    private readonly Thread thread;
    private bool disposed;

    public PreciseTimeProvider()
    {
        thread = new Thread(Run) { IsBackground = true, Name = "precise-timers" };
        thread.Start();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Entry(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            Monitor.PulseAll(gate);
        }

        thread.Join();
    }

    private void Schedule(Entry timer, long dueTimestamp, long version)
    {
        lock (gate)
        {
            queue.Enqueue((timer, version), dueTimestamp);
            if (queue.TryPeek(out var head, out _) && ReferenceEquals(head.Timer, timer) && head.Version == version)
            {
                Monitor.Pulse(gate);
            }
        }
    }

    private void Run()
    {
        lock (gate)
        {
            while (!disposed)
            {
                if (!queue.TryPeek(out var head, out var due))
                {
                    Monitor.Wait(gate);
                    continue;
                }

                if (head.Version != head.Timer.Version)
                {
                    queue.Dequeue();
                    continue;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (remaining > TimeSpan.Zero)
                {
                    Monitor.Wait(gate, (int)Math.Min(int.MaxValue, Math.Ceiling(remaining.TotalMilliseconds)));
                    continue;
                }

                queue.Dequeue();
                head.Timer.Fire(head.Version);
            }
        }
    }

    private sealed class Entry(PreciseTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        /// <summary>Bumped by every Change and Dispose: queued firings of an older version are dropped.</summary>
        public long Version { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // As System.Threading.Timer: negative means an error unless it is the infinite marker.
            if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime));
            }

            if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(period));
            }

            long version;
            lock (owner.gate)
            {
                version = ++Version;
                this.period = period;
            }

            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                owner.Schedule(this, Stopwatch.GetTimestamp() + (long)(Math.Min(dueTime.TotalSeconds, 1e9) * Stopwatch.Frequency), version);
            }

            return true;
        }

        /// <summary>Called by the timer thread under the owner's lock.</summary>
        public void Fire(long version)
        {
            if (period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                owner.queue.Enqueue((this, version), Stopwatch.GetTimestamp() + (long)(period.TotalSeconds * Stopwatch.Frequency));
            }

            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Invoke(), this, preferLocal: false);
        }

        public void Dispose()
        {
            lock (owner.gate)
            {
                Version++;
            }
        }

        private void Invoke() => callback(state);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
