namespace Harness.Load.Ec2Bench;

/// <summary>What <c>harness-load ec2-bench --json</c> writes, and <c>ec2-report</c> reads: everything measured, and why the run stopped if it did.</summary>
internal sealed record Ec2BenchResult(
    string Label,
    string Target,
    double DurationSeconds,
    double WarmPassSeconds,
    List<WorkloadResult> Workloads,
    ScaleResult? DescribeScale,
    string? Failure)
{
    /// <summary>How many times each cell was measured (the median round stands for it).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>The server this one took turns with, cell by cell, when there was one.</summary>
    public string? Versus { get; init; }
}
