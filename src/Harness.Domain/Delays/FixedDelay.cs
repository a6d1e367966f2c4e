namespace Harness.Domain.Delays;

/// <summary><c>fixed(1500ms)</c>: always the same delay.</summary>
public sealed class FixedDelay(TimeSpan value) : DelayModel
{
    public TimeSpan Value { get; } = CheckDuration(value, nameof(value));

    public override TimeSpan? Sample(SeededRandom random) => Value;

    public override string ToString() => $"fixed({DelayFormat.Duration(Value)})";
}
