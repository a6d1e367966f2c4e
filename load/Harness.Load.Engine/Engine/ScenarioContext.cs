using System.Runtime.CompilerServices;

namespace Harness.Load.Engine;

/// <summary>One copy of a scenario: its number, whether it counts, and the step timer.</summary>
public sealed class ScenarioContext
{
    private readonly ScenarioStats stats;
    private readonly TimeProvider time;

    internal ScenarioContext(ScenarioStats stats, TimeProvider time, long copy, CancellationToken stopping)
    {
        this.stats = stats;
        this.time = time;
        Copy = copy;
        Stopping = stopping;
    }

    /// <summary>0, 1, 2, … in the order copies started (warm-up copies have their own numbers).</summary>
    public long Copy { get; }

    /// <summary>False during warm-up: what a copy does then is not measured.</summary>
    public bool Measuring => stats.Measuring;

    /// <summary>Cancelled when the run is over and in-flight copies have had their grace.</summary>
    public CancellationToken Stopping { get; }

    public string ScenarioName => stats.Name;

    /// <summary>
    /// Times <paramref name="call"/> as step <paramref name="name"/>. An exception counts as a failure coded with the
    /// exception's type name ("stopped" once the run is stopping) and is not rethrown: one bad call must not end a copy.
    /// With a <paramref name="timeout"/> (real time), a call still running then is cancelled and fails as "timeout".
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StepResult> StepAsync(string name, Func<CancellationToken, ValueTask<StepResult>> call, TimeSpan? timeout = null)
    {
        var step = stats.Step(name);
        step.Begin();
        var start = time.GetTimestamp();
        StepResult result;
        using var limit = timeout is { } t ? CancellationTokenSource.CreateLinkedTokenSource(Stopping) : null;
        limit?.CancelAfter(timeout!.Value);
        try
        {
            result = await call(limit?.Token ?? Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            result = StepResult.Fail("stopped");
        }
        catch (OperationCanceledException) when (limit?.IsCancellationRequested == true)
        {
            result = StepResult.Fail("timeout");
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            result = StepResult.Fail(error.GetType().Name);
        }

        var end = time.GetTimestamp();
        step.Record(end, end - start, result);
        return result;
    }
}
