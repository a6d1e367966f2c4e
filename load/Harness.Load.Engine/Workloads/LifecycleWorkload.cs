using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// Instances come and go beside a mixed run's churn (<c>--launch-rate</c>): each copy launches one instance into a
/// subnet of the fleet (RunInstances) and terminates it (TerminateInstances). It is what a long soak needs to show
/// that the harness forgets terminated instances rather than growing with every one ever launched.
/// </summary>
public sealed class LifecycleWorkload(Ec2Api ec2, Topology topology, string instanceType)
{
    public const string Name = "lifecycle";

    public LoadScenario Scenario(IReadOnlyList<LoadSimulation> simulations, TimeSpan warmUp, int maxConcurrency) =>
        new(Name, RunAsync) { Simulations = simulations, WarmUp = warmUp, MaxConcurrency = maxConcurrency };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        var subnets = topology.Instances.SelectMany(i => i.Interfaces).Select(e => e.SubnetId).Distinct().ToList();
        var subnet = subnets[(int)(context.Copy % subnets.Count)];
        string? instanceId = null;
        await context.StepAsync("launch", async token =>
        {
            var reply = await ec2.CallAsync(
                "RunInstances", $"ImageId=ami-0abcdef1234567890&InstanceType={instanceType}&MinCount=1&MaxCount=1&SubnetId={subnet}", token)
                .ConfigureAwait(false);
            if (!reply.IsOk)
            {
                return StepResult.Fail(reply.ErrorCode!);
            }

            instanceId = First(reply.Body, "instanceId");
            return instanceId is null ? StepResult.Fail("WrongAnswer") : StepResult.Ok;
        }, StepTimeouts.Ec2).ConfigureAwait(false);
        if (instanceId is null)
        {
            return;
        }

        await context.StepAsync("terminate", async token =>
        {
            var reply = await ec2.CallAsync("TerminateInstances", $"InstanceId.1={instanceId}", token).ConfigureAwait(false);
            return reply.IsOk ? StepResult.Ok : StepResult.Fail(reply.ErrorCode!);
        }, StepTimeouts.Ec2).ConfigureAwait(false);
    }

    private static string? First(string xml, string tag)
    {
        var open = xml.IndexOf($"<{tag}>", StringComparison.Ordinal);
        var close = open < 0 ? -1 : xml.IndexOf($"</{tag}>", open, StringComparison.Ordinal);
        return close < 0 ? null : xml[(open + tag.Length + 2)..close];
    }
}
