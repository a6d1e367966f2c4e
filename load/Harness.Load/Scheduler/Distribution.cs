namespace Harness.Load.Scheduler;

/// <summary>Count, percentiles, max and min of a set of values in milliseconds, exact (from the sorted values).</summary>
internal sealed record Distribution(int Count, double P50Ms, double P99Ms, double P999Ms, double MaxMs, double MinMs);
