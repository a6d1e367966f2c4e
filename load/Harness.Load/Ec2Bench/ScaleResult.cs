namespace Harness.Load.Ec2Bench;

/// <summary>The describe-scale sweep, with the last point's p50 and p99 over the first's: near 1 is a lookup that does not care how many interfaces exist.</summary>
internal sealed record ScaleResult(List<ScalePoint> Points, double P50Ratio, double P99Ratio);
