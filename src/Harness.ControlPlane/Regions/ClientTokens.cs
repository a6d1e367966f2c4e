using Harness.ControlPlane.Cluster;
using Harness.Domain.Errors;
using Orleans.Concurrency;

namespace Harness.ControlPlane.Regions;

/// <summary>
/// Where ClientTokens are remembered: the region's read side of this process when the harness runs alone, a grain per
/// token in a cluster, so that a retry that reaches another process replays the first call instead of running again.
/// </summary>
public interface IClientTokens
{
    /// <summary>
    /// Runs <paramref name="create"/> once per <paramref name="key"/> (action and token) and gives every repeat with the
    /// same <paramref name="fingerprint"/> its result (Replayed true); throws <c>IdempotentParameterMismatch</c> for
    /// another fingerprint. A failed call does not hold its token.
    /// </summary>
    Task<(object Result, bool Replayed)> RunAsync(RegionState region, string key, string fingerprint, DateTimeOffset now, Func<Task<object>> create);
}

/// <summary>Tokens of a harness alone: concurrent repeats share one execution, in this process's memory.</summary>
internal sealed class LocalClientTokens : IClientTokens
{
    /// <summary>How long a token is remembered (24 hours on the harness clock: the window AWS documents for its APIs).</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromHours(24);

    public async Task<(object Result, bool Replayed)> RunAsync(RegionState region, string key, string fingerprint, DateTimeOffset now, Func<Task<object>> create)
    {
        Forget(region, now - Remembered);
        var call = new IdempotentCall(fingerprint, new Lazy<Task<object>>(create), now);
        var existing = region.ClientTokens.GetOrAdd(key, call);
        if (ReferenceEquals(existing, call))
        {
            region.ClientTokensByAge.Enqueue((key, call));
        }

        if (existing.Fingerprint != fingerprint)
        {
            throw Ec2Errors.IdempotentParameterMismatch();
        }

        try
        {
            return (await existing.Outcome.Value, !ReferenceEquals(existing, call));
        }
        catch
        {
            region.ClientTokens.TryRemove(new KeyValuePair<string, IdempotentCall>(key, existing));
            throw;
        }
    }

    /// <summary>Forgets the tokens first used before <paramref name="cutoff"/>, oldest first; each call pays for what it finds expired.</summary>
    private static void Forget(RegionState region, DateTimeOffset cutoff)
    {
        var queue = region.ClientTokensByAge;
        if (!queue.TryPeek(out var first) || first.Call.At >= cutoff)
        {
            return;
        }

        // Peek and dequeue under one lock, so that no caller takes out a token that has not expired.
        lock (queue)
        {
            while (queue.TryPeek(out var oldest) && oldest.Call.At < cutoff)
            {
                queue.TryDequeue(out _);
                region.ClientTokens.TryRemove(new KeyValuePair<string, IdempotentCall>(oldest.Key, oldest.Call));
            }
        }
    }
}

/// <summary>
/// Tokens of a cluster: one <see cref="IClientTokenGrain"/> per region, action and token decides who runs the call;
/// the others wait for its result, wherever they are.
/// </summary>
internal sealed class ClusterClientTokens(IGrainFactory grains) : IClientTokens
{
    public async Task<(object Result, bool Replayed)> RunAsync(RegionState region, string key, string fingerprint, DateTimeOffset now, Func<Task<object>> create)
    {
        var token = grains.GetGrain<IClientTokenGrain>($"{region.Key}/{key}");
        while (true)
        {
            var claim = await token.ClaimAsync(fingerprint, now);
            switch (claim.Outcome)
            {
                case TokenOutcome.Mismatch:
                    throw Ec2Errors.IdempotentParameterMismatch();
                case TokenOutcome.Busy:
                    // EC2's answer when it cannot serve now; SDKs retry it, and the retry replays the first call's result.
                    throw new Ec2Exception("Unavailable", "The service is unavailable. Please try again shortly.", 503);
                case TokenOutcome.Replay:
                    return (claim.Result!, true);
                case TokenOutcome.Run:
                    object result;
                    try
                    {
                        result = await create();
                    }
                    catch
                    {
                        await token.AbandonAsync();
                        throw;
                    }

                    await token.CompleteAsync(result);
                    return (result, false);
                default:
                    // The call that held it failed: this one may run it (a failed call does not hold its token).
                    continue;
            }
        }
    }
}

public enum TokenOutcome
{
    /// <summary>This caller runs the call, then completes or abandons the token.</summary>
    Run,

    /// <summary>The first call's result.</summary>
    Replay,

    /// <summary>The token was used with other parameters.</summary>
    Mismatch,

    /// <summary>The call that held the token failed: claim it again.</summary>
    Released,

    /// <summary>The first call is still running after the wait a claim may take: answer Unavailable, the client retries.</summary>
    Busy,
}

[GenerateSerializer]
[Immutable]
public sealed record TokenClaim(TokenOutcome Outcome, object? Result = null);

/// <summary>
/// One ClientToken of one action in one region, in a cluster. Reentrant: a claim that finds the call running waits
/// inside the grain for its end, while the runner's <see cref="CompleteAsync"/> or <see cref="AbandonAsync"/> gets in.
/// It calls no grain. Forgotten 24 hours after first use.
/// </summary>
public interface IClientTokenGrain : IGrainWithStringKey
{
    Task<TokenClaim> ClaimAsync(string fingerprint, DateTimeOffset now);

    Task CompleteAsync(object result);

    Task AbandonAsync();
}

[Reentrant]
internal sealed class ClientTokenGrain(TimeProvider time, GrainRecords records) : Grain, IClientTokenGrain
{
    /// <summary>How long a repeat waits inside the grain for the running call: well inside Orleans' 30 s response timeout.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>How long a call may hold the token without finishing before a repeat takes it over (its process died).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private long claimedAt;
    private string? fingerprint;
    private DateTimeOffset firstUsed;
    private object? result;
    private TaskCompletionSource<bool>? running;
    private IGrainTimer? expiry;
    private GrainRecord<ClientTokenRecord>? record;

    /// <summary>With <c>--state</c>, a finished call's result outlives the token grain's process: a retry elsewhere replays it.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        record = records.For<ClientTokenRecord>(this);
        if (record is not null && await record.ReadAsync() is { } saved)
        {
            (fingerprint, firstUsed, result) = (saved.Fingerprint, saved.FirstUsed, saved.Result);
            ExpireIn(LocalClientTokens.Remembered - (time.GetUtcNow() - firstUsed));
        }
    }

    public async Task<TokenClaim> ClaimAsync(string fingerprint, DateTimeOffset now)
    {
        if (this.fingerprint is not null && now - firstUsed >= LocalClientTokens.Remembered)
        {
            // Expired: the token is new again.
            (this.fingerprint, result, running) = (null, null, null);
        }

        if (this.fingerprint is not null && result is null && time.GetElapsedTime(claimedAt) > Lease)
        {
            // The call that holds it has not finished in a minute: its process most likely died. This one runs it.
            var stale = running;
            (this.fingerprint, running) = (null, null);
            stale?.TrySetResult(false);
        }

        if (this.fingerprint is null)
        {
            claimedAt = time.GetTimestamp();
            (this.fingerprint, firstUsed, running) = (fingerprint, now, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

            ExpireIn(LocalClientTokens.Remembered);
            return new TokenClaim(TokenOutcome.Run);
        }

        if (this.fingerprint != fingerprint)
        {
            return new TokenClaim(TokenOutcome.Mismatch);
        }

        if (result is not null)
        {
            return new TokenClaim(TokenOutcome.Replay, result);
        }

        var ended = running!.Task;
        if (await Task.WhenAny(ended, Task.Delay(Wait)) != ended)
        {
            return new TokenClaim(TokenOutcome.Busy);
        }

        return await ended ? new TokenClaim(TokenOutcome.Replay, result) : new TokenClaim(TokenOutcome.Released);
    }

    public async Task CompleteAsync(object result)
    {
        // Waiting repeats get the result first, whatever happens to the record: they must not wait out the lease and run
        // the call again.
        this.result = result;
        running?.TrySetResult(true);
        if (record is not null && fingerprint is not null)
        {
            // An activation that did not see the claim (the grain's process died while the call ran) has no fingerprint to
            // keep: the token is forgotten, as in memory.
            await record.WriteAsync(new ClientTokenRecord { Fingerprint = fingerprint, FirstUsed = firstUsed, Result = result });
        }
    }

    public Task AbandonAsync()
    {
        var waiting = running;
        (fingerprint, result, running) = (null, null, null);
        waiting?.TrySetResult(false);
        return Task.CompletedTask;
    }

    /// <summary>Grains are kept until deleted (HarnessSilo): this one lets its memory go when its token expires.</summary>
    private void ExpireIn(TimeSpan left)
    {
        expiry ??= this.RegisterGrainTimer(
            static grain => { grain.DeactivateOnIdle(); return grain.record?.WriteAsync(null) ?? Task.CompletedTask; }, this,
            new GrainTimerCreationOptions { DueTime = left > TimeSpan.Zero ? left : TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
    }
}

/// <summary>A finished call's token, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class ClientTokenRecord
{
    [Id(0)] public string Fingerprint { get; init; } = "";

    [Id(1)] public DateTimeOffset FirstUsed { get; init; }

    [Id(2)] public object? Result { get; init; }
}
