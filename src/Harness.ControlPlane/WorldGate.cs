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
        var emptied = await CloseAsync();
        try
        {
            await reset();
            return emptied;
        }
        finally
        {
            Open();
        }
    }

    /// <summary>
    /// Closes the gate (requests arriving wait) and waits for the requests inside to leave, at most <see cref="DrainLimit"/>;
    /// false when some were still inside. Pair with <see cref="Open"/>. A cluster's reset closes every process's gate
    /// before any of them empties its world.
    /// </summary>
    public async Task<bool> CloseAsync()
    {
        await resets.WaitAsync();
        Task drain;
        lock (gate)
        {
            closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (inside == 0)
            {
                drained.TrySetResult();
            }

            drain = drained.Task;
        }

        // Real time, whatever the harness's clock: a scenario's virtual clock must not see a timer of the gate's.
        using var limit = new CancellationTokenSource();
        var emptied = await Task.WhenAny(drain, Task.Delay(DrainLimit, limit.Token)) == drain;
        await limit.CancelAsync();
        return emptied;
    }

    /// <summary>Lets requests in again after <see cref="CloseAsync"/>; nothing when the gate is open.</summary>
    public void Open()
    {
        TaskCompletionSource? open;
        lock (gate)
        {
            open = closed;
            closed = null;
            drained = null;
        }

        if (open is not null)
        {
            open.TrySetResult();
            resets.Release();
        }
    }

    private async ValueTask WaitThenEnterAsync(Task wait, CancellationToken cancellationToken)
    {
        await wait.WaitAsync(cancellationToken);
        await EnterAsync(cancellationToken);
    }
}
