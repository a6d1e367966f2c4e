using System.Diagnostics.Tracing;

namespace Harness.Load.Scheduler;

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
