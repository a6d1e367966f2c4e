using System.Collections.Concurrent;
namespace Harness.Load.Engine;

/// <summary>
/// Everything measured for one step: a latency histogram, ok and failed counts (failures by code), and a timeline of
/// fixed slots, each with its own coarse histogram. Memory is fixed when the step is created; recording is O(1).
/// </summary>
public sealed class StepStats
{
    /// <summary>The timeline's histograms: 2^-4 = 6 % precision is plenty for a chart's p50 and p99.</summary>
    private const int SlotBits = 5;

    private readonly ConcurrentDictionary<string, StrongBox> failures = new(StringComparer.Ordinal);
    private readonly Slot[] slots;
    private readonly long slotTicks;
    private readonly long frequency;
    private long ok;
    private long started;

    /// <param name="startTimestamp">When the measured run began, a <see cref="TimeProvider.GetTimestamp"/> of <paramref name="time"/>.</param>
    public StepStats(string name, TimeProvider time, long startTimestamp, TimeSpan slotWidth, int slotCount)
    {
        Name = name;
        Start = startTimestamp;
        frequency = time.TimestampFrequency;
        slotTicks = Math.Max(1, (long)(slotWidth.TotalSeconds * frequency));
        SlotWidth = slotWidth;
        slots = new Slot[Math.Max(1, slotCount)];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new Slot();
        }
    }

    public string Name { get; }

    public long Start { get; }

    public TimeSpan SlotWidth { get; }

    public Histogram Latency { get; } = new();

    public long Ok => Volatile.Read(ref ok);

    public long Failed => failures.Values.Sum(b => Volatile.Read(ref b.Value));

    public long Count => Ok + Failed;

    /// <summary>Calls started and not yet finished are not in <see cref="Count"/>; this counts every start.</summary>
    public long Started => Volatile.Read(ref started);

    public IReadOnlyDictionary<string, long> FailuresByCode =>
        failures.ToDictionary(p => p.Key, p => Volatile.Read(ref p.Value.Value), StringComparer.Ordinal);

    internal void Begin() => Interlocked.Increment(ref started);

    /// <summary>Records one finished call: when it finished and how long it took (timestamps of the run's clock), and its result.</summary>
    public void Record(long endTimestamp, long elapsedTicks, StepResult result)
    {
        var micros = (long)(elapsedTicks * (1_000_000.0 / frequency));
        Latency.Record(micros);
        var slot = slots[Math.Clamp((endTimestamp - Start) / slotTicks, 0, slots.Length - 1)];
        slot.Latency.Record(micros);
        if (result.IsOk)
        {
            Interlocked.Increment(ref ok);
            Interlocked.Increment(ref slot.Ok);
        }
        else
        {
            Interlocked.Increment(ref failures.GetOrAdd(result.FailCode!, _ => new StrongBox()).Value);
            Interlocked.Increment(ref slot.Failed);
        }
    }

    /// <summary>The timeline up to <paramref name="elapsed"/>: one point per slot that has begun.</summary>
    public IEnumerable<(TimeSpan At, long Ok, long Failed, Histogram Latency)> Timeline(TimeSpan elapsed)
    {
        var used = (int)Math.Clamp(Math.Ceiling(elapsed / SlotWidth), 1, slots.Length);
        for (var i = 0; i < used; i++)
        {
            yield return (SlotWidth * (i + 1), Volatile.Read(ref slots[i].Ok), Volatile.Read(ref slots[i].Failed), slots[i].Latency);
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }

    private sealed class Slot
    {
        public long Ok;
        public long Failed;
        public readonly Histogram Latency = new(SlotBits);
    }
}
