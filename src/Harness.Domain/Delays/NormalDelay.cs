namespace Harness.Domain.Delays;

/// <summary>
/// <c>normal(mean=1s,stddev=200ms)</c>: Gaussian, drawn with Box–Muller. A delay cannot be negative, so draws
/// below zero are clamped to zero; with a mean close to the standard deviation that piles mass at exactly 0.
/// </summary>
public sealed class NormalDelay(TimeSpan mean, TimeSpan standardDeviation) : DelayModel
{
    public TimeSpan Mean { get; } = CheckDuration(mean, nameof(mean));

    public TimeSpan StandardDeviation { get; } = CheckDuration(standardDeviation, nameof(standardDeviation));

    public override TimeSpan? Sample(SeededRandom random)
    {
        var z = Math.Sqrt(-2 * Math.Log(random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return FromTicks(Mean.Ticks + (z * StandardDeviation.Ticks));
    }

    public override string ToString() =>
        $"normal(mean={DelayFormat.Duration(Mean)},stddev={DelayFormat.Duration(StandardDeviation)})";
}
