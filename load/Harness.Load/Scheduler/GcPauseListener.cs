using System.Diagnostics.Tracing;

namespace Harness.Load.Scheduler;

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
