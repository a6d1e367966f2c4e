namespace Harness.Domain.Delays;

/// <summary>
/// <c>pareto(scale=1s,shape=1.5)</c>: heavy-tailed, never below <c>scale</c>, drawn as <c>scale·U^(-1/shape)</c>.
/// Both must be greater than zero; a shape at or below 1 has no finite mean. Draws are capped at
/// <see cref="DelayModel.MaxDuration"/>.
/// </summary>
public sealed class ParetoDelay : DelayModel
{
    public ParetoDelay(TimeSpan scale, double shape)
    {
        Scale = CheckDuration(scale, nameof(scale));
        if (scale <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be greater than zero.");
        }

        if (!(shape > 0) || double.IsInfinity(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The shape must be a finite number greater than zero.");
        }

        Shape = shape;
    }

    public TimeSpan Scale { get; }

    public double Shape { get; }

    public override TimeSpan? Sample(SeededRandom random) =>
        FromTicks(Scale.Ticks * Math.Pow(random.NextDouble(), -1 / Shape));

    public override string ToString() => $"pareto(scale={DelayFormat.Duration(Scale)},shape={DelayFormat.Number(Shape)})";
}
