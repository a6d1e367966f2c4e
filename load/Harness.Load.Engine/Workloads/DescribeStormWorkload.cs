using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>describe-storm</c>: DescribeNetworkInterfaces, one call per copy, in turn: by id, filtered by the attached
/// instance, filtered by a private address, and an unfiltered first page of 100 (each cloud's own parameters for them).
/// Every successful reply is checked (just the interface asked for; only interfaces attached to that instance; at most
/// one interface holding the address, and listing it; a page of 1 to 100), so a wrong answer counts as a failure
/// ("WrongAnswer"). With <paramref name="byIdOnly"/> every call is by id (the scale benchmark's flat-lookup check).
/// </summary>
public sealed class DescribeStormWorkload(ICloudApi cloud, Topology topology, bool byIdOnly = false)
{
    public const string Name = "describe-storm";

    public LoadScenario Scenario(IReadOnlyList<LoadSimulation> simulations, TimeSpan warmUp, int maxConcurrency) =>
        new(Name, RunAsync) { Simulations = simulations, WarmUp = warmUp, MaxConcurrency = maxConcurrency };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        var random = new Random(unchecked((int)context.Copy * 7919));
        var eni = topology.Interfaces[random.Next(topology.Interfaces.Count)];
        var kind = byIdOnly ? 0 : context.Copy % 4;
        (string Step, InterfaceQuery Query, Func<DescribedInterfaces, bool> Check) call = kind switch
        {
            1 => ("describe-by-instance", new InterfaceQuery.ByInstance(eni.Instance.Id),
                found => found.InstanceIds is { Count: > 0 } ids && ids.All(id => id == eni.Instance.Id)),
            2 when topology.Addresses.Count > 0 => ("describe-by-address", AddressQuery(random, out var ip),
                found => found.Ids.Count switch
                {
                    0 => true,
                    // An address is on one interface at most, and the one returned lists it.
                    1 => found.Addresses.Contains(ip),
                    _ => false,
                }),
            3 => ("describe-page", new InterfaceQuery.FirstPage(100), found => found.Ids.Count is > 0 and <= 100),
            _ => ("describe-by-id", new InterfaceQuery.ById(eni.Id), found => found.Ids is [var id] && id == eni.Id),
        };
        await context.StepAsync(call.Step, async token =>
        {
            var described = await cloud.DescribeInterfacesAsync(call.Query, token).ConfigureAwait(false);
            return !described.Reply.IsOk ? StepResult.Fail(described.Reply.ErrorCode!) : call.Check(described.Found!) ? StepResult.Ok : StepResult.Fail("WrongAnswer");
        }, StepTimeouts.Ec2).ConfigureAwait(false);
    }

    /// <summary>A floating address: it may be unassigned just now, so an empty answer is fine.</summary>
    private InterfaceQuery.ByAddress AddressQuery(Random random, out string ip)
    {
        ip = topology.Addresses[random.Next(topology.Addresses.Count)].Ip;
        return new InterfaceQuery.ByAddress(ip);
    }
}
