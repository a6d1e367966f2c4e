namespace Harness.Load.Ec2Bench;

/// <summary>One workload at one concurrency; <see cref="Unassign"/> is the Unassign that follows each assign-by-count call.</summary>
internal sealed record WorkloadResult(string Workload, int Concurrency, BenchStats Stats, BenchStats? Unassign);
