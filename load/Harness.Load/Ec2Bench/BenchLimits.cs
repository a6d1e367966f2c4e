namespace Harness.Load.Ec2Bench;

/// <summary>How long each measured cell runs, after an unmeasured warm-up of the same load.</summary>
internal sealed record BenchLimits(TimeSpan Duration, TimeSpan Warmup);
