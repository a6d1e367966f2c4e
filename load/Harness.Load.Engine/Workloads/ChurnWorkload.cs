using System.Collections.Concurrent;
using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>churn</c>: each copy takes an idle floating address and moves it one step: an unassigned address is assigned
/// to a random interface of its subnet; an assigned one is reassigned to another interface two times in three, or
/// unassigned. A reassignment is one call on EC2 (AllowReassignment) and two on Alibaba, which has none (unassign from
/// the holder, then assign); the <c>reassign</c> step times both. One operation per address at a time; every confirmed
/// change goes to the tracker.
/// </summary>
public sealed class ChurnWorkload
{
    public const string Name = "churn";

    private readonly ICloudApi cloud;
    private readonly Topology topology;
    private readonly ConvergenceTracker? tracker;
    private readonly TimeProvider time;
    private readonly int seed;
    private readonly ConcurrentQueue<FloatingAddress> idle;
    private long busy;

    public ChurnWorkload(ICloudApi cloud, Topology topology, ConvergenceTracker? tracker, TimeProvider time, int seed)
    {
        this.cloud = cloud;
        this.topology = topology;
        this.tracker = tracker;
        this.time = time;
        this.seed = seed;
        var order = new Random(seed);
        idle = new ConcurrentQueue<FloatingAddress>(topology.Addresses.OrderBy(_ => order.Next()));
    }

    /// <summary>Copies that found every address busy and did nothing: the pool is too small for the rate.</summary>
    public long Busy => Volatile.Read(ref busy);

    public LoadScenario Scenario(IReadOnlyList<LoadSimulation> simulations, TimeSpan warmUp, int maxConcurrency) =>
        new(Name, RunAsync) { Simulations = simulations, WarmUp = warmUp, MaxConcurrency = maxConcurrency };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        if (!idle.TryDequeue(out var address))
        {
            Interlocked.Increment(ref busy);
            // Nothing free: wait a little rather than spin, which a closed model would do back to back.
            await Task.Delay(StepTimeouts.Idle, time, context.Stopping).ConfigureAwait(false);
            return;
        }

        try
        {
            var random = new Random(unchecked((seed * 1_000_003) + (int)context.Copy));
            var peers = topology.InterfacesBySubnet[address.SubnetId];
            if (address.Owner is not { } owner)
            {
                var target = peers[random.Next(peers.Length)];
                await ChangeAsync(context, "assign", address, target, present: true, token => cloud.AssignAsync(target.Id, address.Ip, reassign: false, token))
                    .ConfigureAwait(false);
            }
            else if (peers.Length > 1 && random.Next(3) < 2)
            {
                var target = peers[random.Next(peers.Length - 1)];
                target = ReferenceEquals(target, owner) ? peers[^1] : target;
                await ReassignAsync(context, address, owner, target).ConfigureAwait(false);
            }
            else
            {
                await ChangeAsync(context, "unassign", address, owner, present: false, token => cloud.UnassignAsync(owner.Id, address.Ip, token)).ConfigureAwait(false);
            }
        }
        finally
        {
            idle.Enqueue(address);
        }
    }

    private async ValueTask ChangeAsync(
        ScenarioContext context, string step, FloatingAddress address, SimInterface target, bool present, Func<CancellationToken, Task<ApiReply>> call)
    {
        var result = await context.StepAsync(step, async token =>
        {
            var reply = await call(token).ConfigureAwait(false);
            return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
        }, StepTimeouts.Ec2).ConfigureAwait(false);
        if (result.IsOk)
        {
            Confirmed(context, address, target, present);
        }
    }

    /// <summary>
    /// Moves an address from <paramref name="owner"/> to <paramref name="target"/>: in one call where the cloud allows it,
    /// otherwise unassign and assign in one step. When the unassign passed and the assign failed, the address is left
    /// unassigned, and the book says so.
    /// </summary>
    private async ValueTask ReassignAsync(ScenarioContext context, FloatingAddress address, SimInterface owner, SimInterface target)
    {
        long? releasedAt = null;
        var result = await context.StepAsync("reassign", async token =>
        {
            if (!cloud.ReassignsInOneCall)
            {
                var off = await cloud.UnassignAsync(owner.Id, address.Ip, token).ConfigureAwait(false);
                if (!off.IsOk)
                {
                    return StepResult.Fail(off.ErrorCode!);
                }

                releasedAt = time.GetTimestamp();
            }

            var reply = await cloud.AssignAsync(target.Id, address.Ip, reassign: cloud.ReassignsInOneCall, token).ConfigureAwait(false);
            return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
        }, StepTimeouts.Ec2).ConfigureAwait(false);
        if (result.IsOk)
        {
            Confirmed(context, address, target, present: true);
        }
        else if (releasedAt is { } unassignedAt)
        {
            Confirmed(context, address, owner, present: false, unassignedAt);
        }
    }

    /// <param name="replyAt">When the API confirmed the change; now unless given.</param>
    private void Confirmed(ScenarioContext context, FloatingAddress address, SimInterface target, bool present, long? replyAt = null)
    {
        replyAt ??= time.GetTimestamp();
        address.Owner = present ? target : null;
        tracker?.Register(address, target, present, replyAt.Value, context.Measuring);
    }
}
