using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// ClientToken: the same token with the same parameters returns the first call's result (concurrent repeats
/// share one execution); the same token with other parameters is IdempotentParameterMismatch. A failed call
/// does not hold its token, so the client may retry it. A token is remembered for 24 hours on the harness clock (the
/// window AWS documents for client tokens across its APIs; EC2's idempotency page gives none), then forgotten, so that
/// SDKs that send a fresh token with every RunInstances (botocore does) cannot grow the harness without bound.
/// </summary>
internal static class Idempotency
{
    public static readonly TimeSpan Remembered = TimeSpan.FromHours(24);

    /// <returns>The result, and whether it is the replay of an earlier call's.</returns>
    public static async Task<(T Result, bool Replayed)> RunAsync<T>(Ec2Context context, Func<Task<T>> create)
        where T : class
    {
        var token = context.Parameters.Get("ClientToken");
        if (string.IsNullOrEmpty(token))
        {
            return (await create(), false);
        }

        if (token.Length > 64)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({token}) for parameter clientToken is invalid. Length exceeds maximum of 64.");
        }

        var fingerprint = context.Parameters.Fingerprint("ClientToken", "DryRun", "Action", "Version");
        var key = context.Action + ":" + token;
        var now = context.Time.GetUtcNow();
        Forget(context.Region, now - Remembered);
        var call = new IdempotentCall(fingerprint, new Lazy<Task<object>>(async () => await create()), now);
        var existing = context.Region.ClientTokens.GetOrAdd(key, call);
        if (ReferenceEquals(existing, call))
        {
            context.Region.ClientTokensByAge.Enqueue((key, call));
        }

        if (existing.Fingerprint != fingerprint)
        {
            throw Ec2Errors.IdempotentParameterMismatch();
        }

        try
        {
            return ((T)await existing.Outcome.Value, !ReferenceEquals(existing, call));
        }
        catch
        {
            context.Region.ClientTokens.TryRemove(new KeyValuePair<string, IdempotentCall>(key, existing));
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
