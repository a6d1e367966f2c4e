using Harness.Domain.Errors;

namespace Harness.Ec2.Protocol;

/// <summary>
/// ClientToken: the same token with the same parameters returns the first call's result (concurrent repeats
/// share one execution); the same token with other parameters is IdempotentParameterMismatch. A failed call
/// does not hold its token, so the client may retry it. A token is remembered for 24 hours on the harness clock (the
/// window AWS documents for client tokens across its APIs; EC2's idempotency page gives none), then forgotten, so that
/// SDKs that send a fresh token with every RunInstances (botocore does) cannot grow the harness without bound. In a cluster
/// a token is the cluster's: a retry sent to another process replays the first call (<see cref="Harness.ControlPlane.Regions.IClientTokens"/>).
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
        var (result, replayed) = await context.ClientTokens.RunAsync(
            context.Region, context.Action + ":" + token, fingerprint, context.Time.GetUtcNow(), async () => await create());
        return ((T)result, replayed);
    }
}
