using System.Collections.Concurrent;

namespace Harness.Load.Workloads;

/// <summary>
/// Waits for resources to reach a state where Alibaba is asynchronous (an instance Pending, then Running; an ENI
/// Attaching, then InUse). One loop polls every resource waited for, up to 100 ids a Describe call, once an
/// <paramref name="interval"/>: a thousand waits cost ten calls a round, not a thousand.
/// </summary>
/// <param name="describe">The statuses of up to 100 ids (ids not listed are not there yet), or null when the call failed and should be tried again next round.</param>
internal sealed class StatusWaiter(
    Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, string>?>> describe, TimeSpan interval, TimeProvider time) : IDisposable
{
    public const int Batch = 100;

    private readonly ConcurrentDictionary<string, Waiting> waiting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private Task? loop;

    /// <summary>Completes when <paramref name="id"/> shows <paramref name="wanted"/>; throws what the Describe call threw when the target fails.</summary>
    public async Task WaitAsync(string id, string wanted, CancellationToken cancellation)
    {
        var entry = new Waiting(wanted);
        if (!waiting.TryAdd(id, entry))
        {
            throw new InvalidOperationException($"{id} is waited for already");
        }

        lock (gate)
        {
            loop ??= Task.Run(LoopAsync, CancellationToken.None);
        }

        try
        {
            await entry.Done.Task.WaitAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            waiting.TryRemove(KeyValuePair.Create(id, entry));
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, stop.Token).ConfigureAwait(false);
                foreach (var batch in waiting.Keys.Chunk(Batch))
                {
                    await PollAsync(batch).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopped: a poll in flight may fail any way (cancelled, or its transport disposed) and nothing waits on it.
        }
    }

    private async Task PollAsync(string[] batch)
    {
        IReadOnlyDictionary<string, string>? statuses;
        try
        {
            statuses = await describe(batch, stop.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (!stop.IsCancellationRequested)
        {
            // The target failed (refused, reset, silent): the waits fail with it rather than poll a dead endpoint until their time-out.
            foreach (var id in batch)
            {
                if (waiting.TryRemove(id, out var failed))
                {
                    failed.Done.TrySetException(error);
                }
            }

            return;
        }

        foreach (var id in batch)
        {
            if (statuses is not null && statuses.TryGetValue(id, out var status) && waiting.TryGetValue(id, out var entry) && status == entry.Wanted
                && waiting.TryRemove(KeyValuePair.Create(id, entry)))
            {
                entry.Done.TrySetResult();
            }
        }
    }

    /// <summary>Stops the loop (the token source is left to the collector: the loop may still be reading its token).</summary>
    public void Dispose() => stop.Cancel();

    private sealed record Waiting(string Wanted)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
