using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// ClientToken: the same token with the same parameters returns the first call's result (concurrent repeats
/// share one execution); the same token with other parameters is IdempotentParameterMismatch. A failed call
/// does not hold its token, so the client may retry it.
/// </summary>
internal static class Idempotency
{
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
        var call = new IdempotentCall(fingerprint, new Lazy<Task<object>>(async () => await create()));
        var existing = context.Region.ClientTokens.GetOrAdd(key, call);
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
}
