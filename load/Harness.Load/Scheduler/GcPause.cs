namespace Harness.Load.Scheduler;

/// <summary>
/// A stop-the-world pause: from the runtime suspending managed threads to resuming them. Most are for a GC (then
/// <see cref="Generation"/> is the generation collected); the runtime also suspends briefly for other work, such as
/// installing tier-1 code.
/// </summary>
internal readonly record struct GcPause(DateTimeOffset Start, DateTimeOffset End, bool ForGc, int Generation)
{
    public double Milliseconds => (End - Start).TotalMilliseconds;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Milliseconds:F1} ms ({(ForGc ? Generation >= 0 ? $"gen{Generation}" : "GC" : "other")})");
}
