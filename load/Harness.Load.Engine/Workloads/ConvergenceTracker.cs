namespace Harness.Load.Workloads;

/// <summary>One change the churn made, waiting for a metadata read to show it.</summary>
internal sealed class TrackedChange(SimInterface target, string address, bool present, long replyAt, bool measured)
{
    public SimInterface Target { get; } = target;

    public string Address { get; } = address;

    /// <summary>True when the change puts the address on <see cref="Target"/>; false when it takes it off.</summary>
    public bool Present { get; } = present;

    /// <summary>When the API's reply arrived (a timestamp of the run's clock).</summary>
    public long ReplyAt { get; } = replyAt;

    public bool Measured { get; } = measured;

    /// <summary>Another change to the same instance was in flight beside this one (delivery is in order per instance).</summary>
    public bool Overlapped { get; set; }

    /// <summary>The interface's last read already showed what this change wants, so no read can tell when it arrived.</summary>
    public bool Ambiguous { get; set; }

    public bool Superseded { get; set; }

    public bool Done { get; set; }
}

/// <summary>
/// Time-to-convergence: each change the churn makes is registered with the time of the API's reply; each metadata read
/// of an interface's <c>local-ipv4s</c> begun after that reply settles the changes it shows. A change whose address is
/// changed again before any read showed it is superseded, not measured. All state sits behind one lock per instance.
/// </summary>
public sealed class ConvergenceTracker(TimeProvider time, int maxSamples = 1_000_000)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SimInstance, byte> touched = new();
    private readonly List<double> samples = [];
    private long changes;
    private long superseded;
    private long overlapped;
    private long ambiguous;

    /// <summary>Called, outside any lock, for every change a read has just shown, or that was ambiguous when it was made.</summary>
    internal event Action<TrackedChange>? Shown;

    /// <summary>Observed times in microseconds.</summary>
    public Engine.Histogram Observed { get; } = new();

    public long Changes => Volatile.Read(ref changes);

    public long Converged => Observed.Count;

    public long Superseded => Volatile.Read(ref superseded);

    public long Overlapped => Volatile.Read(ref overlapped);

    /// <summary>Changes not measured because their interface already showed what they want (a move back before the move away was seen).</summary>
    public long Ambiguous => Volatile.Read(ref ambiguous);

    /// <summary>Changes registered while measuring that no read has shown and nothing superseded.</summary>
    public long Unconverged
    {
        get
        {
            var count = 0L;
            foreach (var instance in touched.Keys)
            {
                lock (instance.Changes)
                {
                    count += instance.Changes.Count(c => c.Measured && !c.Superseded && !c.Done);
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Observed times in seconds of the changes that had their interface to themselves (up to the first
    /// <c>maxSamples</c>): the clean samples of the delay model that a KS distance is taken over.
    /// </summary>
    public double[] Samples()
    {
        lock (samples)
        {
            return [.. samples];
        }
    }

    /// <summary>Registers a change the API just confirmed; <paramref name="address"/>'s previous unseen change is superseded.</summary>
    internal void Register(FloatingAddress address, SimInterface target, bool present, long replyAt, bool measured)
    {
        var change = new TrackedChange(target, address.Ip, present, replyAt, measured);
        if (address.Latest is { } previous)
        {
            // The previous change may sit with another instance (a reassignment); locks are never nested.
            lock (previous.Target.Instance.Changes)
            {
                if (!previous.Done && !previous.Superseded)
                {
                    previous.Superseded = true;
                    if (previous.Measured)
                    {
                        Interlocked.Increment(ref superseded);
                    }
                }
            }
        }

        var list = target.Instance.Changes;
        touched.TryAdd(target.Instance, 0);
        lock (list)
        {
            foreach (var other in list)
            {
                if (!other.Done && !other.Superseded)
                {
                    other.Overlapped = true;
                    change.Overlapped = true;
                }
            }

            if (target.LastShown is { } shown && HasLine(shown.Body, address.Ip) == present)
            {
                change.Ambiguous = true;
                change.Done = true;
                if (measured)
                {
                    Interlocked.Increment(ref ambiguous);
                }
            }

            address.Latest = change;
            list.Add(change);
            if (measured)
            {
                Interlocked.Increment(ref changes);
            }
        }

        if (change.Ambiguous)
        {
            Shown?.Invoke(change);
        }
    }

    /// <summary>
    /// Settles what one read of <paramref name="eni"/>'s <c>local-ipv4s</c> shows. A change counts from the API's reply
    /// to <paramref name="readStart"/>, when the read was sent: what the read shows was there by then, so the time is
    /// the delay plus the wait for the next poll, never the read's own latency.
    /// </summary>
    public void Observe(SimInterface eni, string localIpv4s, long readStart)
    {
        var list = eni.Instance.Changes;
        List<TrackedChange>? shown = null;
        lock (list)
        {
            // Reads can finish out of order: only a read begun later than the last one says what the interface shows now.
            if (eni.LastShown is not { } last || readStart >= last.At)
            {
                eni.LastShown = (localIpv4s, readStart);
            }

            list.RemoveAll(c => c.Done || c.Superseded);
            foreach (var change in list)
            {
                if (!ReferenceEquals(change.Target, eni) || change.ReplyAt > readStart || HasLine(localIpv4s, change.Address) != change.Present)
                {
                    continue;
                }

                change.Done = true;
                (shown ??= []).Add(change);
                if (change.Measured)
                {
                    var elapsed = time.GetElapsedTime(change.ReplyAt, readStart);
                    Observed.Record((long)(elapsed.Ticks / 10.0));
                    if (change.Overlapped)
                    {
                        Interlocked.Increment(ref overlapped);
                    }

                    lock (samples)
                    {
                        if (!change.Overlapped && samples.Count < maxSamples)
                        {
                            samples.Add(elapsed.TotalSeconds);
                        }
                    }
                }
            }
        }

        if (shown is not null && Shown is { } converged)
        {
            foreach (var change in shown)
            {
                converged(change);
            }
        }
    }

    /// <summary>True when <paramref name="text"/> has <paramref name="line"/> as one of its lines.</summary>
    internal static bool HasLine(string text, string line)
    {
        var at = 0;
        while ((at = text.IndexOf(line, at, StringComparison.Ordinal)) >= 0)
        {
            var end = at + line.Length;
            if ((at == 0 || text[at - 1] == '\n') && (end == text.Length || text[end] is '\n' or '\r'))
            {
                return true;
            }

            at = end;
        }

        return false;
    }
}
