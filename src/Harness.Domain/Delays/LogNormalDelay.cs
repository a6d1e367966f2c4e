namespace Harness.Domain.Delays;

/// <summary>
/// <c>lognormal(median=800ms,p99=6s)</c>: log-normal fitted to a median and a 99th percentile, the two numbers
/// usually known about a propagation delay. Requires <c>p99 &gt; median &gt; 0</c>.
/// </summary>
public sealed class LogNormalDelay : DelayModel
{
    /// <summary>The standard normal quantile of 0.99.</summary>
    public const double Z99 = 2.3263478740408408;

    public LogNormalDelay(TimeSpan median, TimeSpan p99)
    {
        Median = CheckDuration(median, nameof(median));
        P99 = CheckDuration(p99, nameof(p99));
        if (median <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(median), median, "The median must be greater than zero.");
        }

        if (p99 <= median)
        {
            throw new ArgumentOutOfRangeException(nameof(p99), p99, "The 99th percentile must be greater than the median.");
        }
    }

    public TimeSpan Median { get; }

    public TimeSpan P99 { get; }

    /// <summary>ln(median), in ln(seconds).</summary>
    public double Mu => Math.Log(Median.TotalSeconds);

    public double Sigma => (Math.Log(P99.TotalSeconds) - Mu) / Z99;

    public override TimeSpan? Sample(SeededRandom random)
    {
        var z = Math.Sqrt(-2 * Math.Log(random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return FromTicks(Math.Exp(Mu + (Sigma * z)) * TimeSpan.TicksPerSecond);
    }

    public override string ToString() => $"lognormal(median={DelayFormat.Duration(Median)},p99={DelayFormat.Duration(P99)})";
}
