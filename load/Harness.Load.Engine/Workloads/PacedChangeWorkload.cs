using System.Collections.Concurrent;
using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// The changes the <c>pollers</c> workload measures on its own: each copy takes an instance with no change in flight
/// and toggles one of its floating addresses on its own interface (unassign, or assign back). The instance is ready
/// again only once a poller has seen the change, so no change shares its instance with another and every observed
/// time is a clean sample of the delay model (in-order delivery would otherwise queue one change behind another).
/// </summary>
public sealed class PacedChangeWorkload
{
    public const string Name = "changes";

    private readonly ICloudApi cloud;
    private readonly ConvergenceTracker tracker;
    private readonly TimeProvider time;
    private readonly ConcurrentQueue<SimInstance> ready;
    private readonly Dictionary<SimInstance, (FloatingAddress Address, SimInterface Home)[]> own;
    private long skipped;

    public PacedChangeWorkload(ICloudApi cloud, Topology topology, ConvergenceTracker tracker, TimeProvider time)
    {
        this.cloud = cloud;
        this.tracker = tracker;
        this.time = time;
        own = topology.Addresses
            .Where(a => a.Owner is not null)
            .GroupBy(a => a.Owner!.Instance)
            .ToDictionary(g => g.Key, g => g.Select(a => (a, a.Owner!)).ToArray());
        ready = new ConcurrentQueue<SimInstance>(own.Keys.OrderBy(i => i.Index));
        tracker.Shown += change =>
        {
            if (own.ContainsKey(change.Target.Instance))
            {
                ready.Enqueue(change.Target.Instance);
            }
        };
    }

    /// <summary>Copies that found every instance waiting for its last change to show.</summary>
    public long Skipped => Volatile.Read(ref skipped);

    public LoadScenario Scenario(IReadOnlyList<LoadSimulation> simulations, TimeSpan warmUp) =>
        new(Name, RunAsync) { Simulations = simulations, WarmUp = warmUp, MaxConcurrency = Math.Max(100, own.Count) };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        if (!ready.TryDequeue(out var instance))
        {
            Interlocked.Increment(ref skipped);
            // Nothing free: wait a little rather than spin, which a closed model would do back to back.
            await Task.Delay(StepTimeouts.Idle, time, context.Stopping).ConfigureAwait(false);
            return;
        }

        var choices = own[instance];
        var (address, home) = choices[(int)(context.Copy % choices.Length)];
        var present = address.Owner is null;
        var result = await context.StepAsync(present ? "assign" : "unassign", async token =>
        {
            var reply = await (present ? cloud.AssignAsync(home.Id, address.Ip, reassign: false, token) : cloud.UnassignAsync(home.Id, address.Ip, token))
                .ConfigureAwait(false);
            return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
        }, StepTimeouts.Ec2).ConfigureAwait(false);
        if (!result.IsOk)
        {
            ready.Enqueue(instance);
            return;
        }

        address.Owner = present ? home : null;
        tracker.Register(address, home, present, time.GetTimestamp(), context.Measuring);
    }
}
