namespace Harness.Domain.Delays;

/// <summary><c>uniform(100ms,900ms)</c>: uniform between the two bounds, which may be equal.</summary>
public sealed class UniformDelay : DelayModel
{
    public UniformDelay(TimeSpan min, TimeSpan max)
    {
        Min = CheckDuration(min, nameof(min));
        Max = CheckDuration(max, nameof(max));
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "The upper bound must not be below the lower bound.");
        }
    }

    public TimeSpan Min { get; }

    public TimeSpan Max { get; }

    public override TimeSpan? Sample(SeededRandom random) =>
        FromTicks(Min.Ticks + (random.NextDouble() * (Max.Ticks - Min.Ticks)));

    public override string ToString() => $"uniform({DelayFormat.Duration(Min)},{DelayFormat.Duration(Max)})";
}
