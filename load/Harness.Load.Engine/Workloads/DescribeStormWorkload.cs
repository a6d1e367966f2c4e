using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>describe-storm</c>: DescribeNetworkInterfaces, one call per copy, in turn: by id, filtered by the attached
/// instance, filtered by a private address, and an unfiltered first page of 100. Every successful reply is checked
/// for the interface or address asked about, so a wrong answer counts as a failure ("WrongAnswer"). With
/// <paramref name="byIdOnly"/> every call is by id (the scale benchmark's flat-lookup check).
/// </summary>
public sealed class DescribeStormWorkload(Ec2Api ec2, Topology topology, bool byIdOnly = false)
{
    public const string Name = "describe-storm";

    public LoadScenario Scenario(IReadOnlyList<LoadSimulation> simulations, TimeSpan warmUp, int maxConcurrency) =>
        new(Name, RunAsync) { Simulations = simulations, WarmUp = warmUp, MaxConcurrency = maxConcurrency };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        var random = new Random(unchecked((int)context.Copy * 7919));
        var eni = topology.Interfaces[random.Next(topology.Interfaces.Count)];
        var kind = byIdOnly ? 0 : context.Copy % 4;
        var (step, parameters, expect) = kind switch
        {
            1 => ("describe-by-instance", $"Filter.1.Name=attachment.instance-id&Filter.1.Value.1={eni.Instance.Id}", eni.Instance.Id),
            2 when topology.Addresses.Count > 0 => ("describe-by-address", AddressFilter(random, out var ip), ip),
            3 => ("describe-page", "MaxResults=100", "<networkInterfaceId>"),
            _ => ("describe-by-id", $"NetworkInterfaceId.1={eni.Id}", eni.Id),
        };
        await context.StepAsync(step, async token =>
        {
            var reply = await ec2.CallAsync("DescribeNetworkInterfaces", parameters, token).ConfigureAwait(false);
            return !reply.IsOk ? StepResult.Fail(reply.ErrorCode!)
                : reply.Body.Contains(expect, StringComparison.Ordinal) || step == "describe-by-address" ? StepResult.Ok
                : StepResult.Fail("WrongAnswer");
        }, StepTimeouts.Ec2).ConfigureAwait(false);
    }

    /// <summary>A floating address: it may be unassigned just now, so an empty answer is fine.</summary>
    private string AddressFilter(Random random, out string ip)
    {
        ip = topology.Addresses[random.Next(topology.Addresses.Count)].Ip;
        return $"Filter.1.Name=private-ip-address&Filter.1.Value.1={ip}";
    }
}
