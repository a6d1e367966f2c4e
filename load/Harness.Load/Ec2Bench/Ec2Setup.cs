using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>Set-up calls of the benchmarks: they must succeed, since a failure there makes every later figure meaningless.</summary>
internal static class Ec2Setup
{
    /// <summary>Calls <paramref name="action"/> and returns the reply's XML; a refusal throws <see cref="BenchFailure"/> with the exchange.</summary>
    public static async Task<string> RequireBodyAsync(this Ec2Api ec2, string action, string parameters)
    {
        var reply = await ec2.CallAsync(action, parameters, CancellationToken.None).ConfigureAwait(false);
        return reply.IsOk ? reply.Body : throw new BenchFailure(action, parameters, reply);
    }
}
