namespace Harness.Domain.Delays;

/// <summary><c>never</c>: the change never propagates; every sample is null.</summary>
public sealed class NeverDelay : DelayModel
{
    private NeverDelay()
    {
    }

    public static NeverDelay Instance { get; } = new();

    public override bool CanBeNever => true;

    public override TimeSpan? Sample(SeededRandom random) => null;

    public override string ToString() => "never";
}
