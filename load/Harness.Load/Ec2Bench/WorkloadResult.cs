namespace Harness.Load.Ec2Bench;

/// <summary>
/// One workload at one concurrency; <see cref="Unassign"/> is the Unassign that follows each assign-by-count call. Measured
/// in several rounds, the round with the median rate stands for the cell and <see cref="RoundRates"/> holds every round's
/// rate in the order they ran.
/// </summary>
internal sealed record WorkloadResult(string Workload, int Concurrency, BenchStats Stats, BenchStats? Unassign)
{
    public double[]? RoundRates { get; init; }
}
