namespace Harness.Domain.Delays;

/// <summary><c>exponential(mean=1s)</c>: memoryless, drawn as <c>-mean·ln(U)</c>. The mean must be greater than zero.</summary>
public sealed class ExponentialDelay : DelayModel
{
    public ExponentialDelay(TimeSpan mean)
    {
        Mean = CheckDuration(mean, nameof(mean));
        if (mean <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be greater than zero.");
        }
    }

    public TimeSpan Mean { get; }

    public override TimeSpan? Sample(SeededRandom random) => FromTicks(-Mean.Ticks * Math.Log(random.NextDouble()));

    public override string ToString() => $"exponential(mean={DelayFormat.Duration(Mean)})";
}
