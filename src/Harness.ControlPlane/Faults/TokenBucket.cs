namespace Harness.ControlPlane.Faults;

/// <summary>
/// A token bucket as EC2 describes its throttling: it starts full, each request takes one token, and tokens come back
/// at a steady rate up to the capacity. Time is the harness clock's, in ticks, so tests step it exactly.
/// </summary>
public sealed class TokenBucket(double capacity, double refillPerSecond, long startTicks)
{
    private readonly Lock gate = new();
    private double tokens = capacity;
    private long lastTicks = startTicks;

    public double Capacity { get; } = capacity;

    public double RefillPerSecond { get; } = refillPerSecond;

    /// <summary>Takes a token if one is there at <paramref name="nowTicks"/>.</summary>
    public bool TryTake(long nowTicks)
    {
        lock (gate)
        {
            Refill(nowTicks);
            if (tokens < 1)
            {
                return false;
            }

            tokens -= 1;
            return true;
        }
    }

    /// <summary>The tokens there at <paramref name="nowTicks"/>.</summary>
    public double Available(long nowTicks)
    {
        lock (gate)
        {
            Refill(nowTicks);
            return tokens;
        }
    }

    private void Refill(long nowTicks)
    {
        if (nowTicks > lastTicks)
        {
            tokens = Math.Min(Capacity, tokens + (nowTicks - lastTicks) * RefillPerSecond / TimeSpan.TicksPerSecond);
            lastTicks = nowTicks;
        }
    }
}
