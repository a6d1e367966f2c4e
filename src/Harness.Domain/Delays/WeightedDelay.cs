namespace Harness.Domain.Delays;

/// <summary>One component of a <see cref="MixDelay"/>: the chance of picking it and what it samples.</summary>
public sealed record WeightedDelay(double Weight, DelayModel Model)
{
    public override string ToString() => $"{DelayFormat.Number(Weight)}:{Model}";
}
