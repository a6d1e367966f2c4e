using System.Globalization;

namespace Harness.Domain.Delays;

/// <summary>
/// <c>mix(0.9:fixed(1s),0.1:uniform(10s,30s))</c>: picks one component by weight, then samples it. Weights must
/// be greater than zero and sum to 1 within <see cref="WeightTolerance"/>; components may be mixes themselves.
/// </summary>
public sealed class MixDelay : DelayModel
{
    public const double WeightTolerance = 1e-9;

    public MixDelay(IEnumerable<WeightedDelay> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        Components = [.. components];
        if (Components.Count == 0)
        {
            throw new ArgumentException("A mix needs at least one component.", nameof(components));
        }

        foreach (var component in Components)
        {
            ArgumentNullException.ThrowIfNull(component?.Model, nameof(components));
            if (!(component.Weight > 0))
            {
                throw new ArgumentException($"Mix weight {DelayFormat.Number(component.Weight)} must be greater than 0.", nameof(components));
            }
        }

        var sum = Components.Sum(c => c.Weight);
        if (Math.Abs(sum - 1) > WeightTolerance)
        {
            throw new ArgumentException($"Mix weights must sum to 1 (within {WeightTolerance.ToString("0e0", CultureInfo.InvariantCulture)}) but sum to {DelayFormat.Number(sum)}.", nameof(components));
        }
    }

    public IReadOnlyList<WeightedDelay> Components { get; }

    public override bool CanBeNever => Components.Any(c => c.Model.CanBeNever);

    public override TimeSpan? Sample(SeededRandom random)
    {
        var u = random.NextDouble();
        var cumulative = 0.0;
        foreach (var component in Components)
        {
            cumulative += component.Weight;
            if (u < cumulative)
            {
                return component.Model.Sample(random);
            }
        }

        // Weights may sum to a hair under 1; the remainder belongs to the last component.
        return Components[^1].Model.Sample(random);
    }

    public override string ToString() => $"mix({string.Join(',', Components)})";
}
