namespace Harness.Runtime;

/// <summary>
/// One live grain: its instance and its mailbox. Calls queue in arrival order and run one turn at a time;
/// the first call on an idle activation starts on the caller's thread, so an uncontended call costs no hop.
/// </summary>
internal sealed class GrainActivation
{
    private readonly Lock gate = new();
    private readonly Queue<Func<Task>> mailbox = new();
    private readonly List<ITimer> timers = [];
    private bool running;
    private bool deactivated;
    private Exception? activationFailure;

    public GrainActivation(GrainRuntime runtime, string key, Grain instance)
    {
        Runtime = runtime;
        Key = key;
        Instance = instance;
        instance.Attach(this);
        Schedule(async () =>
        {
            try
            {
                await instance.OnActivateAsync(CancellationToken.None);
            }
            catch (Exception error)
            {
                // As in Orleans: the calls waiting on a failed activation fail with its error, and the next
                // call after them activates the grain afresh.
                activationFailure = error;
                runtime.Forget(this);
            }
        });
    }

    public GrainRuntime Runtime { get; }

    public string Key { get; }

    public Grain Instance { get; }

    public Task EnqueueAsync(Func<Task> turn) => EnqueueAsync(async () =>
    {
        await turn();
        return true;
    });

    public Task<T> EnqueueAsync<T>(Func<Task<T>> turn)
    {
        bool idle;
        lock (gate)
        {
            idle = !running;
            running = true;
        }

        return idle ? RunInline(turn) : Enqueue(turn);
    }

    /// <summary>
    /// The fast path: an idle activation runs the call on the caller's thread, and a call that completes
    /// synchronously hands its own task back, with no completion source and no thread hop.
    /// </summary>
    private Task<T> RunInline<T>(Func<Task<T>> turn)
    {
        Task<T> task;
        try
        {
            if (activationFailure is not null)
            {
                Runtime.Forget(this);
                throw activationFailure;
            }

            task = turn();
        }
        catch (Exception error)
        {
            task = Task.FromException<T>(error);
        }

        if (task.IsCompleted)
        {
            ReleaseTurn();
            return task;
        }

        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = CompleteAsync(task, completion);
        return completion.Task;
    }

    private async Task CompleteAsync<T>(Task<T> task, TaskCompletionSource<T> completion)
    {
        try
        {
            completion.TrySetResult(await task);
        }
        catch (Exception error)
        {
            completion.TrySetException(error);
        }
        finally
        {
            ReleaseTurn();
        }
    }

    /// <summary>Ends the current turn: the next queued call runs, or the activation goes idle.</summary>
    private void ReleaseTurn()
    {
        Func<Task>? next;
        lock (gate)
        {
            if (!mailbox.TryDequeue(out next))
            {
                running = false;
                return;
            }
        }

        _ = RunTurnsAsync(next);
    }

    private Task<T> Enqueue<T>(Func<Task<T>> turn)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Schedule(async () =>
        {
            try
            {
                if (activationFailure is not null)
                {
                    Runtime.Forget(this);
                    throw activationFailure;
                }

                completion.TrySetResult(await turn());
            }
            catch (Exception error)
            {
                completion.TrySetException(error);
            }
        });
        return completion.Task;
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        lock (gate)
        {
            if (deactivated)
            {
                // A turn that was mid-await during a reset must not leave a timer ticking on a dropped grain.
                return new NoTimer();
            }
        }

        var timer = Runtime.TimeProvider.CreateTimer(
            _ => Schedule(async () =>
            {
                try
                {
                    await callback(CancellationToken.None);
                }
                catch (Exception error)
                {
                    Runtime.ReportTimerFailure(Key, error);
                }
            }),
            null,
            dueTime,
            period);
        lock (gate)
        {
            timers.Add(timer);
        }

        return timer;
    }

    /// <summary>Stops the timers. Calls already queued still run, so no caller is left hanging.</summary>
    public void Deactivate()
    {
        lock (gate)
        {
            deactivated = true;
            foreach (var timer in timers)
            {
                timer.Dispose();
            }

            timers.Clear();
        }
    }

    private void Schedule(Func<Task> turn)
    {
        lock (gate)
        {
            if (running)
            {
                mailbox.Enqueue(turn);
                return;
            }

            running = true;
        }

        _ = RunTurnsAsync(turn);
    }

    private async Task RunTurnsAsync(Func<Task> turn)
    {
        while (true)
        {
            // Turns never throw: EnqueueAsync's wrapper hands every failure to the caller's task.
            await turn();
            lock (gate)
            {
                if (!mailbox.TryDequeue(out turn!))
                {
                    running = false;
                    return;
                }
            }
        }
    }

    private sealed class NoTimer : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
