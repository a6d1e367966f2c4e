namespace Harness.Runtime;

/// <summary>
/// Simulated time (tests, and scenarios on the virtual clock): a <see cref="TimeProvider"/> whose clock moves only when told to (<see cref="Advance"/>, <see cref="SetUtcNow"/>).
/// Timers fire synchronously on the thread that moves the clock, in due-time order (ties in the order they were
/// scheduled); the clock steps to each timer's due time before its callback runs, so a periodic timer fires once
/// per period even in one large <see cref="Advance"/>, and a callback sees the time it was due at. A timer due now
/// (due time zero) fires at once, inside <see cref="ITimer.Change"/> or <see cref="CreateTimer"/>. The local time
/// zone is UTC. All members are thread-safe; callbacks run outside the internal lock, so they may use the provider.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    /// <summary>Largest due time or period a real timer accepts (0xFFFFFFFE ms).</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(0xFFFFFFFE);

    private readonly Lock gate = new();
    private readonly SortedSet<VirtualTimer> scheduled = new(DueOrder.Instance);
    private DateTimeOffset now;
    private long sequence;

    /// <summary>Starts the clock at 2000-01-01T00:00:00Z.</summary>
    public VirtualTimeProvider()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Starts the clock at <paramref name="startTime"/>.</summary>
    public VirtualTimeProvider(DateTimeOffset startTime)
    {
        Start = startTime.ToUniversalTime();
        now = Start;
    }

    /// <summary>The time the clock started at.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Always UTC, so local-time conversions are deterministic.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timestamps are <see cref="DateTimeOffset.UtcTicks"/> of the virtual clock: 10,000,000 per second.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers are armed (created or changed to fire, not yet fired for good or disposed).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (gate)
            {
                return scheduled.Count;
            }
        }
    }

    /// <summary>When the next armed timer is due; null when none is armed.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (gate)
            {
                return scheduled.Count == 0 ? null : scheduled.Min!.Due;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override long GetTimestamp()
    {
        lock (gate)
        {
            return now.UtcTicks;
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (gate)
        {
            target = now + delta;
        }

        RunUntil(target);
    }

    /// <summary>Moves the clock forward to <paramref name="value"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is before the current time: time never goes back.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (gate)
        {
            if (value < now)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The virtual clock cannot go back from {now:O}.");
            }
        }

        RunUntil(value);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ValidateTimeout(dueTime, nameof(dueTime));
        ValidateTimeout(period, nameof(period));

        // Like the system timers, the callback runs in the creator's execution context (AsyncLocal values flow).
        var timer = new VirtualTimer(this, callback, state, ExecutionContext.Capture());
        timer.Change(dueTime, period);
        return timer;
    }

    public override string ToString() => GetUtcNow().ToString("O");

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value > MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be Timeout.InfiniteTimeSpan or between zero and 0xFFFFFFFE milliseconds.");
        }
    }

    /// <summary>
    /// Fires due timers one at a time, earliest first, until none is due at or before <paramref name="target"/>,
    /// then leaves the clock at <paramref name="target"/> (or later, if another thread moved it further).
    /// </summary>
    private void RunUntil(DateTimeOffset target)
    {
        while (true)
        {
            VirtualTimer timer;
            lock (gate)
            {
                if (scheduled.Count == 0 || scheduled.Min!.Due > target)
                {
                    if (now < target)
                    {
                        now = target;
                    }

                    return;
                }

                timer = scheduled.Min;
                scheduled.Remove(timer);
                if (timer.Due > now)
                {
                    now = timer.Due;
                }

                // Re-arm before the callback runs, so a Change or Dispose from inside the callback wins.
                if (timer.Period != Timeout.InfiniteTimeSpan && timer.Period != TimeSpan.Zero)
                {
                    timer.Due += timer.Period;
                    timer.Order = ++sequence;
                    scheduled.Add(timer);
                }
            }

            timer.Invoke();
        }
    }

    private bool Change(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimeout(dueTime, nameof(dueTime));
        ValidateTimeout(period, nameof(period));
        bool dueNow;
        lock (gate)
        {
            if (timer.Disposed)
            {
                return false;
            }

            scheduled.Remove(timer);
            timer.Period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            timer.Due = now + dueTime;
            timer.Order = ++sequence;
            scheduled.Add(timer);
            dueNow = dueTime == TimeSpan.Zero;
        }

        if (dueNow)
        {
            RunUntil(GetUtcNow());
        }

        return true;
    }

    private void Dispose(VirtualTimer timer)
    {
        lock (gate)
        {
            timer.Disposed = true;
            scheduled.Remove(timer);
        }
    }

    /// <summary>Orders timers by due time, then by the order they were scheduled in; never equal for two timers.</summary>
    private sealed class DueOrder : IComparer<VirtualTimer>
    {
        public static readonly DueOrder Instance = new();

        public int Compare(VirtualTimer? x, VirtualTimer? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var byDue = x!.Due.CompareTo(y!.Due);
            return byDue != 0 ? byDue : x.Order.CompareTo(y.Order);
        }
    }

    /// <summary>A timer of the virtual clock. Its schedule fields are guarded by the provider's lock.</summary>
    private sealed class VirtualTimer : ITimer
    {
        private readonly VirtualTimeProvider provider;
        private readonly TimerCallback callback;
        private readonly object? state;
        private readonly ExecutionContext? context;

        public VirtualTimer(VirtualTimeProvider provider, TimerCallback callback, object? state, ExecutionContext? context)
        {
            this.provider = provider;
            this.callback = callback;
            this.state = state;
            this.context = context;
        }

        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public long Order { get; set; }

        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => provider.Change(this, dueTime, period);

        public void Dispose() => provider.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void Invoke()
        {
            if (context is null)
            {
                callback(state);
            }
            else
            {
                ExecutionContext.Run(context, static self => ((VirtualTimer)self!).callback(((VirtualTimer)self!).state), this);
            }
        }
    }
}
