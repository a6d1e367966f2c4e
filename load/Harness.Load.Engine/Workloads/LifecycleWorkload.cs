using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// Instances come and go beside a mixed run's churn (<c>--launch-rate</c>): each copy launches one instance into a
/// subnet of the fleet (RunInstances) and terminates it (TerminateInstances; on Alibaba DeleteInstance with Force, once
/// the instance has left Pending for Running, which the <c>running</c> step times). It is what a long soak needs to show
/// that the harness forgets terminated instances rather than growing with every one ever launched.
/// </summary>
public sealed class LifecycleWorkload(ICloudApi cloud, Topology topology, string instanceType)
{
    public const string Name = "lifecycle";

    public LoadScenario Scenario(IReadOnlyList<LoadSimulation> simulations, TimeSpan warmUp, int maxConcurrency) =>
        new(Name, RunAsync) { Simulations = simulations, WarmUp = warmUp, MaxConcurrency = maxConcurrency };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        var subnets = topology.Instances.SelectMany(i => i.Interfaces).Select(e => e.SubnetId).Distinct().ToList();
        var subnet = subnets[(int)(context.Copy % subnets.Count)];
        string? instanceId = null;
        var launched = await context.StepAsync("launch", async token =>
        {
            var (reply, id) = await cloud.LaunchAsync(subnet, instanceType, token).ConfigureAwait(false);
            instanceId = id;
            return !reply.IsOk ? StepResult.Fail(reply.ErrorCode!) : id is null ? StepResult.Fail("WrongAnswer") : StepResult.Ok;
        }, StepTimeouts.Ec2).ConfigureAwait(false);
        if (!launched.IsOk || instanceId is null)
        {
            return;
        }

        if (cloud.LaunchesPending)
        {
            var running = await context.StepAsync("running", async token =>
            {
                var reply = await cloud.WaitRunningAsync(instanceId, token).ConfigureAwait(false);
                return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
            }, StepTimeouts.Ec2).ConfigureAwait(false);
            if (!running.IsOk)
            {
                // Not seen Running in time (or the wait failed): a delete may still take it; if not, it is left to the clean-up.
                try
                {
                    await cloud.TerminateAsync(instanceId, context.Stopping).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                }

                return;
            }
        }

        await context.StepAsync("terminate", async token =>
        {
            var reply = await cloud.TerminateAsync(instanceId, token).ConfigureAwait(false);
            return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
        }, StepTimeouts.Ec2).ConfigureAwait(false);
    }
}
