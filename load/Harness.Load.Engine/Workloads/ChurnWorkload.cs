using System.Collections.Concurrent;
using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>churn</c>: each copy takes an idle floating address and moves it one step: an unassigned address is assigned
/// to a random interface of its subnet; an assigned one is reassigned (AllowReassignment) to another interface two
/// times in three, or unassigned. One operation per address at a time; every confirmed change goes to the tracker.
/// </summary>
public sealed class ChurnWorkload
{
    public const string Name = "churn";

    private readonly Ec2Api ec2;
    private readonly Topology topology;
    private readonly ConvergenceTracker? tracker;
    private readonly TimeProvider time;
    private readonly int seed;
    private readonly ConcurrentQueue<FloatingAddress> idle;
    private long busy;

    public ChurnWorkload(Ec2Api ec2, Topology topology, ConvergenceTracker? tracker, TimeProvider time, int seed)
    {
        this.ec2 = ec2;
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
                await ChangeAsync(context, "assign", address, target, present: true, $"NetworkInterfaceId={target.Id}&PrivateIpAddress.1={address.Ip}").ConfigureAwait(false);
            }
            else if (peers.Length > 1 && random.Next(3) < 2)
            {
                var target = peers[random.Next(peers.Length - 1)];
                target = ReferenceEquals(target, owner) ? peers[^1] : target;
                await ChangeAsync(
                    context, "reassign", address, target, present: true,
                    $"NetworkInterfaceId={target.Id}&PrivateIpAddress.1={address.Ip}&AllowReassignment=true").ConfigureAwait(false);
            }
            else
            {
                await ChangeAsync(context, "unassign", address, owner, present: false, $"NetworkInterfaceId={owner.Id}&PrivateIpAddress.1={address.Ip}").ConfigureAwait(false);
            }
        }
        finally
        {
            idle.Enqueue(address);
        }
    }

    private async ValueTask ChangeAsync(ScenarioContext context, string step, FloatingAddress address, SimInterface target, bool present, string parameters)
    {
        var action = present ? "AssignPrivateIpAddresses" : "UnassignPrivateIpAddresses";
        var result = await context.StepAsync(step, async token =>
        {
            var reply = await ec2.CallAsync(action, parameters, token).ConfigureAwait(false);
            return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
        }, StepTimeouts.Ec2).ConfigureAwait(false);
        if (!result.IsOk)
        {
            return;
        }

        var replyAt = time.GetTimestamp();
        address.Owner = present ? target : null;
        tracker?.Register(address, target, present, replyAt, context.Measuring);
    }
}
