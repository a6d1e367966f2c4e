using System.Collections.Concurrent;

namespace Harness.Load.Engine;

/// <summary>What the engine measured of one scenario in one stage (warm-up or the measured run).</summary>
public sealed class ScenarioStats(string name, bool measuring, TimeProvider time, long start, TimeSpan slotWidth, int slotCount)
{
    private readonly ConcurrentDictionary<string, StepStats> steps = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> order = new();
    private long started;
    private long finished;
    private long dropped;

    public string Name { get; } = name;

    public bool Measuring { get; } = measuring;

    public long Start { get; } = start;

    /// <summary>Steps in the order each was first called.</summary>
    public IReadOnlyList<StepStats> Steps => order.Select(n => steps[n]).ToList();

    public long Started => Volatile.Read(ref started);

    public long Finished => Volatile.Read(ref finished);

    public long InFlight => Started - Finished;

    /// <summary>Copies the open model was due to start while <see cref="LoadScenario.MaxConcurrency"/> were in flight.</summary>
    public long Dropped => Volatile.Read(ref dropped);

    public StepStats Step(string stepName)
    {
        if (steps.TryGetValue(stepName, out var step))
        {
            return step;
        }

        lock (order)
        {
            if (!steps.TryGetValue(stepName, out step))
            {
                step = new StepStats(stepName, time, Start, slotWidth, slotCount);
                steps[stepName] = step;
                order.Enqueue(stepName);
            }

            return step;
        }
    }

    internal void CopyStarted() => Interlocked.Increment(ref started);

    internal void CopyFinished() => Interlocked.Increment(ref finished);

    internal void CopyDropped() => Interlocked.Increment(ref dropped);
}
