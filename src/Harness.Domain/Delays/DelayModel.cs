namespace Harness.Domain.Delays;

/// <summary>
/// How long a change takes to propagate, as a distribution sampled with an injected <see cref="SeededRandom"/>.
/// Written and read as spec text such as <c>lognormal(median=800ms,p99=6s)</c>; see <see cref="DelaySpec"/>.
/// </summary>
public abstract class DelayModel
{
    private protected DelayModel()
    {
    }

    /// <summary>The largest duration a spec may name; samples are capped here too.</summary>
    public static TimeSpan MaxDuration { get; } = TimeSpan.FromHours(24);

    /// <summary>True when <see cref="Sample"/> may return null: <c>never</c>, or a mix containing it.</summary>
    public virtual bool CanBeNever => false;

    /// <summary>Draws one delay; null means the change never propagates.</summary>
    public abstract TimeSpan? Sample(SeededRandom random);

    /// <summary>The canonical spec text: no spaces, durations in their largest exact unit. Parses back to an equal model.</summary>
    public abstract override string ToString();

    /// <summary>Rounds a drawn value to whole ticks, clamped to [0, <see cref="MaxDuration"/>].</summary>
    private protected static TimeSpan FromTicks(double ticks) =>
        ticks <= 0 ? TimeSpan.Zero
        : ticks >= MaxDuration.Ticks ? MaxDuration
        : TimeSpan.FromTicks((long)Math.Round(ticks));

    private protected static TimeSpan CheckDuration(TimeSpan value, string paramName)
    {
        if (value < TimeSpan.Zero || value > MaxDuration)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"A delay must be between 0 and {DelayFormat.Duration(MaxDuration)}.");
        }

        return value;
    }
}
