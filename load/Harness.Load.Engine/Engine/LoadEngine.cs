using System.Runtime.CompilerServices;

namespace Harness.Load.Engine;

/// <summary>How a run is bounded and shown.</summary>
/// <param name="Drain">After the last phase, how long copies still in flight may finish before they are stopped.</param>
/// <param name="ProgressInterval">How often <see cref="LoadEngine.RunAsync"/> reports progress.</param>
/// <param name="MaxSlots">The most points a step's timeline has; slots widen (from one second) to stay within it.</param>
public sealed record LoadEngineOptions(TimeSpan Drain, TimeSpan ProgressInterval, int MaxSlots = 600)
{
    public static LoadEngineOptions Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
}

/// <summary>Where a run stands, for a live display.</summary>
public sealed record LoadProgress(TimeSpan Elapsed, TimeSpan Planned, bool WarmingUp, IReadOnlyList<ScenarioStats> Scenarios);

/// <summary>What a run measured: each scenario's stats from the measured stage, and how long that stage took.</summary>
public sealed record LoadRun(IReadOnlyList<ScenarioStats> Scenarios, TimeSpan Elapsed, bool Cancelled);

/// <summary>
/// Runs scenarios side by side under their load simulations: warm-up first (stats thrown away), then every phase in
/// order, then a bounded drain. Phases end on the clock, whatever their copies are doing, so a run takes the longest
/// scenario's phases plus at most two drains (after the warm-up and at the end) and five seconds for stopped copies to
/// unwind.
/// </summary>
public static class LoadEngine
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(10);

    public static async Task<LoadRun> RunAsync(
        IReadOnlyList<LoadScenario> scenarios,
        LoadEngineOptions options,
        TimeProvider time,
        Action<LoadProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        if (scenarios.Count == 0 || scenarios.Any(s => s.Simulations.Count == 0))
        {
            throw new ArgumentException("Every scenario needs at least one load simulation.", nameof(scenarios));
        }

        var warmUp = scenarios.Max(s => s.WarmUp);
        var measured = scenarios.Max(s => s.Duration - s.WarmUp);
        var slotWidth = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((measured + options.Drain).TotalSeconds / options.MaxSlots)));
        var slotCount = (int)Math.Ceiling((measured + options.Drain) / slotWidth) + 1;

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var runStart = time.GetTimestamp();
        ScenarioStats[] current = [];
        var warming = true;
        using var reporter = progress is null ? null : time.CreateTimer(
            _ => progress(new LoadProgress(time.GetElapsedTime(runStart), warmUp + measured, Volatile.Read(ref warming), Volatile.Read(ref current))),
            null, options.ProgressInterval, options.ProgressInterval);

        // Warm-up: every scenario with one runs its first phase's level for its warm-up, together, measuring nothing.
        if (warmUp > TimeSpan.Zero)
        {
            var warmStart = time.GetTimestamp();
            var warmStats = scenarios.Select(s => new ScenarioStats(s.Name, false, time, warmStart, warmUp, 2)).ToArray();
            Volatile.Write(ref current, warmStats);
            await Task.WhenAll(scenarios.Select((s, i) => s.WarmUp > TimeSpan.Zero
                ? RunPhasesAsync(s, [WarmUpPhase(s)], warmStats[i], time, stopping.Token)
                : Task.CompletedTask)).ConfigureAwait(false);

            // Warm-up copies still running finish (within the drain) before measuring starts, so none is counted in both.
            await DrainAsync(warmStats, options.Drain, time, stopping.Token).ConfigureAwait(false);
        }

        Volatile.Write(ref warming, false);
        var start = time.GetTimestamp();
        var stats = scenarios.Select(s => new ScenarioStats(s.Name, true, time, start, slotWidth, slotCount)).ToArray();
        Volatile.Write(ref current, stats);
        await Task.WhenAll(scenarios.Select((s, i) => RunPhasesAsync(s, s.Simulations, stats[i], time, stopping.Token))).ConfigureAwait(false);

        // Drain: copies still in flight get a bounded grace, then their token is cancelled.
        await DrainAsync(stats, options.Drain, time, stopping.Token).ConfigureAwait(false);

        var elapsed = time.GetElapsedTime(start);
        await stopping.CancelAsync().ConfigureAwait(false);
        var settle = time.GetTimestamp();
        while (stats.Any(s => s.InFlight > 0) && time.GetElapsedTime(settle) < TimeSpan.FromSeconds(5))
        {
            await Delay(IdlePoll, time, CancellationToken.None).ConfigureAwait(false);
        }

        reporter?.Dispose();
        progress?.Invoke(new LoadProgress(time.GetElapsedTime(runStart), warmUp + measured, false, stats));
        return new LoadRun(stats, elapsed, cancellation.IsCancellationRequested);
    }

    private static async Task DrainAsync(ScenarioStats[] stats, TimeSpan limit, TimeProvider time, CancellationToken stopping)
    {
        var start = time.GetTimestamp();
        while (stats.Any(s => s.InFlight > 0) && time.GetElapsedTime(start) < limit && !stopping.IsCancellationRequested)
        {
            await Delay(IdlePoll, time, stopping).ConfigureAwait(false);
        }
    }

    private static LoadSimulation WarmUpPhase(LoadScenario scenario)
    {
        var first = scenario.Simulations[0];
        return first.IsOpen
            ? new LoadSimulation.Inject(Math.Max(first.LevelAt(TimeSpan.Zero), first.PeakLevel / 10), scenario.WarmUp)
            : new LoadSimulation.Keep((int)Math.Max(1, first.LevelAt(TimeSpan.Zero)), scenario.WarmUp);
    }

    private static async Task RunPhasesAsync(
        LoadScenario scenario, IReadOnlyList<LoadSimulation> phases, ScenarioStats stats, TimeProvider time, CancellationToken stopping)
    {
        long copies = 0;
        foreach (var phase in phases)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            copies = phase.IsOpen
                ? await InjectAsync(scenario, phase, stats, time, copies, stopping).ConfigureAwait(false)
                : await KeepAsync(scenario, phase, stats, time, copies, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Open model: starts copies on the clock (the integral of the rate), whatever the ones before are doing.</summary>
    private static async Task<long> InjectAsync(
        LoadScenario scenario, LoadSimulation phase, ScenarioStats stats, TimeProvider time, long copies, CancellationToken stopping)
    {
        var start = time.GetTimestamp();
        long due = 0;
        using var timer = new PeriodicTimer(Tick, time);
        while (!stopping.IsCancellationRequested)
        {
            var elapsed = time.GetElapsedTime(start);
            var target = (long)Math.Floor(phase.StartedBy(elapsed));
            for (; due < target; due++)
            {
                if (stats.InFlight >= scenario.MaxConcurrency)
                {
                    stats.CopyDropped();
                    continue;
                }

                stats.CopyStarted();
                var context = new ScenarioContext(stats, time, copies++, stopping);
                ThreadPool.UnsafeQueueUserWorkItem(static c => _ = RunCopyAsync(c.scenario, c.context, c.stats, c.time), (scenario, context, stats, time), false);
            }

            if (elapsed >= phase.During)
            {
                break;
            }

            try
            {
                await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return copies;
    }

    /// <summary>Closed model: worker i runs copies back to back while the phase's level is above i.</summary>
    private static async Task<long> KeepAsync(
        LoadScenario scenario, LoadSimulation phase, ScenarioStats stats, TimeProvider time, long copies, CancellationToken stopping)
    {
        var start = time.GetTimestamp();
        var workers = (int)Math.Ceiling(phase.PeakLevel);
        var numbered = copies;

        // A copy is started, counted and numbered under the same lock that closes the phase, so none starts once the
        // phase has returned: the drain after the last phase sees every copy in flight, and the next phase's numbers
        // follow on from this one's.
        var gate = new Lock();
        var closed = false;
        _ = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                var elapsed = time.GetElapsedTime(start);
                if (elapsed >= phase.During)
                {
                    return;
                }

                if (worker >= phase.LevelAt(elapsed))
                {
                    await Delay(IdlePoll, time, stopping).ConfigureAwait(false);
                    continue;
                }

                long number;
                lock (gate)
                {
                    if (closed || stopping.IsCancellationRequested)
                    {
                        return;
                    }

                    stats.CopyStarted();
                    number = numbered++;
                }

                await RunCopyAsync(scenario, new ScenarioContext(stats, time, number, stopping), stats, time)
                    .ConfigureAwait(false);
            }
        }, CancellationToken.None)).ToArray();

        // The phase ends on the clock (workers stop starting copies then): copies still running go on into the next
        // phase or the drain, counted in flight, as the open model's do.
        await Delay(phase.During - time.GetElapsedTime(start), time, stopping).ConfigureAwait(false);
        lock (gate)
        {
            closed = true;
            return numbered;
        }
    }

    // Pooled: a closed model awaits one of these per copy, back to back; the open model's are never awaited.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask RunCopyAsync(LoadScenario scenario, ScenarioContext context, ScenarioStats stats, TimeProvider time)
    {
        try
        {
            await scenario.Run(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A scenario body that throws outside a step: counted on a step of its own so it is seen, never lost.
            stats.Step("(scenario)").Record(time.GetTimestamp(), 0, StepResult.Fail(error.GetType().Name));
        }
        finally
        {
            stats.CopyFinished();
        }
    }

    private static async Task Delay(TimeSpan delay, TimeProvider time, CancellationToken token)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, time, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
