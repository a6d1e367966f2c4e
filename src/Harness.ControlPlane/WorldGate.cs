namespace Harness.ControlPlane;

/// <summary>
/// Orders EC2 requests against resets, so that each request runs wholly in one world. A request enters before it reads
/// any state and leaves once its reply is written; a reset closes the gate (requests arriving meanwhile wait), waits for
/// the requests inside to leave, empties the world and opens the gate again. So a write acknowledged after a reset is in
/// the new world, and nothing a request began before the reset lands after it.
/// </summary>
public sealed class WorldGate
{
    /// <summary>How long a reset waits for requests already inside (one held by a latency fault, say) before it goes ahead.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    private readonly Lock gate = new();
    private readonly SemaphoreSlim resets = new(1, 1);
    private int inside;
    private TaskCompletionSource? closed;
    private TaskCompletionSource? drained;

    /// <summary>Requests inside now (for tests and diagnostics).</summary>
    public int Inside
    {
        get
        {
            lock (gate)
            {
                return inside;
            }
        }
    }

    /// <summary>Whether a reset holds the gate closed now (for tests and diagnostics).</summary>
    public bool Closed
    {
        get
        {
            lock (gate)
            {
                return closed is not null;
            }
        }
    }

    /// <summary>Waits while a reset runs, then counts the caller in; pair with <see cref="Leave"/>.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        Task wait;
        lock (gate)
        {
            if (closed is null)
            {
                inside++;
                return ValueTask.CompletedTask;
            }

            wait = closed.Task;
        }

        return WaitThenEnterAsync(wait, cancellationToken);
    }

    public void Leave()
    {
        lock (gate)
        {
            inside--;
            if (inside == 0)
            {
                drained?.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="reset"/> with no request inside and none let in until it has finished; false when requests were
    /// still inside after <see cref="DrainLimit"/> (the reset ran anyway: those requests finish in the old world).
    /// </summary>
    public async Task<bool> ResetAsync(Func<Task> reset)
    {
        await CloseAsync();
        try
        {
            var emptied = await WaitDrainedAsync(DrainLimit);
            await reset();
            return emptied;
        }
        finally
        {
            Open();
        }
    }

    /// <summary>
    /// Closes the gate: requests arriving wait. Pair with <see cref="Open"/>; with <paramref name="autoOpen"/>, the gate
    /// opens by itself after that long if no one opened it (a cluster's reset whose world grain died midway). A
    /// cluster's reset closes every process's gate before any of them empties its world.
    /// </summary>
    public async Task CloseAsync(TimeSpan? autoOpen = null)
    {
        await resets.WaitAsync();
        TaskCompletionSource closing;
        lock (gate)
        {
            closing = closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (inside == 0)
            {
                drained.TrySetResult();
            }
        }

        if (autoOpen is { } after)
        {
            // Real time, whatever the harness's clock; only this very closing is opened.
            _ = Task.Delay(after).ContinueWith(_ => OpenIf(closing), TaskScheduler.Default);
        }
    }

    /// <summary>Waits, at most <paramref name="limit"/>, for the requests inside the closed gate to leave; whether they did.</summary>
    public async Task<bool> WaitDrainedAsync(TimeSpan limit)
    {
        Task drain;
        lock (gate)
        {
            drain = drained?.Task ?? Task.CompletedTask;
        }

        // Real time, whatever the harness's clock: a scenario's virtual clock must not see a timer of the gate's.
        using var stop = new CancellationTokenSource();
        var emptied = await Task.WhenAny(drain, Task.Delay(limit, stop.Token)) == drain;
        await stop.CancelAsync();
        return emptied;
    }

    /// <summary>Lets requests in again after <see cref="CloseAsync"/>; nothing when the gate is open.</summary>
    public void Open() => OpenIf(null);

    /// <summary>Opens the gate if it is closed, and, given <paramref name="only"/>, only if that very closing still holds it.</summary>
    private void OpenIf(TaskCompletionSource? only)
    {
        TaskCompletionSource? open;
        lock (gate)
        {
            if (closed is null || (only is not null && !ReferenceEquals(closed, only)))
            {
                return;
            }

            open = closed;
            closed = null;
            drained = null;
        }

        open.TrySetResult();
        resets.Release();
    }

    private async ValueTask WaitThenEnterAsync(Task wait, CancellationToken cancellationToken)
    {
        await wait.WaitAsync(cancellationToken);
        await EnterAsync(cancellationToken);
    }
}
