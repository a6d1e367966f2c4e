namespace Harness.Load.Ec2Bench;

/// <summary>What <c>harness-load ec2-bench --json</c> writes, and <c>ec2-report</c> reads: everything measured, and why the run stopped if it did.</summary>
internal sealed record Ec2BenchResult(
    string Label,
    string Target,
    double DurationSeconds,
    double WarmPassSeconds,
    List<WorkloadResult> Workloads,
    ScaleResult? DescribeScale,
    string? Failure);
