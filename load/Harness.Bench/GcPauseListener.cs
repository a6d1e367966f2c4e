using System.Diagnostics.Tracing;

namespace Harness.Bench;

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

/// <summary>
/// Records every pause of this process from the runtime's own events (GCSuspendEEBegin … GCRestartEEEnd), so that
/// late deliveries can be matched against the pauses they overlapped.
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly object gate = new();
    private readonly List<GcPause> pauses = [];
    private DateTimeOffset? suspendedAt;
    private bool forGc;
    private int generation = -1;

    public IReadOnlyList<GcPause> Between(DateTimeOffset from, DateTimeOffset to)
    {
        lock (gate)
        {
            return [.. pauses.Where(p => p.End >= from && p.Start <= to)];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        var name = eventData.EventName ?? "";
        var at = new DateTimeOffset(eventData.TimeStamp.ToUniversalTime(), TimeSpan.Zero);
        lock (gate)
        {
            if (name.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal))
            {
                suspendedAt = at;
                generation = -1;

                // Reason 1 is SUSPEND_FOR_GC and 6 SUSPEND_FOR_GC_PREP.
                forGc = eventData.PayloadNames?.IndexOf("Reason") is { } reason and >= 0 && eventData.Payload is { } values
                    && Convert.ToInt32(values[reason], System.Globalization.CultureInfo.InvariantCulture) is 1 or 6;
            }
            else if (name.StartsWith("GCStart", StringComparison.Ordinal) && eventData.Payload is { Count: > 1 } payload
                && eventData.PayloadNames?.IndexOf("Depth") is { } depth and >= 0)
            {
                generation = Convert.ToInt32(payload[depth], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (name.StartsWith("GCRestartEEEnd", StringComparison.Ordinal) && suspendedAt is { } start)
            {
                pauses.Add(new GcPause(start, at, forGc, generation));
                suspendedAt = null;
            }
        }
    }
}

/// <summary>
/// Samples what is allocated, by type, from the runtime's GCAllocationTick events (one per ~100 KB allocated), while
/// <see cref="Recording"/> is set.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly object gate = new();
    private readonly Dictionary<string, long> bytesByType = new(StringComparer.Ordinal);

    public bool Recording { get; set; }

    /// <summary>The types with the most sampled bytes, with their share of all sampled bytes; then forgets them.</summary>
    public List<(string Type, double Share)> TakeTop(int count)
    {
        lock (gate)
        {
            var total = Math.Max(1, bytesByType.Values.Sum());
            var top = bytesByType.OrderByDescending(t => t.Value).Take(count).Select(t => (t.Key, Math.Round((double)t.Value / total, 3))).ToList();
            bytesByType.Clear();
            return top;
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Recording || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true
            || eventData.PayloadNames is not { } names || eventData.Payload is not { } values)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? values[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(values[a], System.Globalization.CultureInfo.InvariantCulture)
            : names.IndexOf("AllocationAmount") is var b and >= 0 ? Convert.ToInt64(values[b], System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (gate)
        {
            bytesByType[type] = bytesByType.GetValueOrDefault(type) + amount;
        }
    }
}
