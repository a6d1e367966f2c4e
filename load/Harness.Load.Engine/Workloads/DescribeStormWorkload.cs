using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>describe-storm</c>: DescribeNetworkInterfaces, one call per copy, in turn: by id, filtered by the attached
/// instance, filtered by a private address, and an unfiltered first page of 100. Every successful reply is checked
/// (just the interface asked for; only interfaces attached to that instance; at most one interface holding the
/// address, and listing it; a page of 1 to 100), so a wrong answer counts as a failure ("WrongAnswer"). With
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
        var (step, parameters, check) = kind switch
        {
            1 => ("describe-by-instance", $"Filter.1.Name=attachment.instance-id&Filter.1.Value.1={eni.Instance.Id}",
                (Func<string, bool>)(body => Values(body, "instanceId") is { Count: > 0 } ids && ids.All(id => id == eni.Instance.Id))),
            2 when topology.Addresses.Count > 0 => ("describe-by-address", AddressFilter(random, out var ip),
                body => Values(body, "networkInterfaceId").Count switch
                {
                    0 => true,
                    // An address is on one interface at most, and the one returned lists it.
                    1 => body.Contains($"<privateIpAddress>{ip}</privateIpAddress>", StringComparison.Ordinal),
                    _ => false,
                }),
            3 => ("describe-page", "MaxResults=100", body => Values(body, "networkInterfaceId").Count is > 0 and <= 100),
            _ => ("describe-by-id", $"NetworkInterfaceId.1={eni.Id}", body => Values(body, "networkInterfaceId") is [var id] && id == eni.Id),
        };
        await context.StepAsync(step, async token =>
        {
            var reply = await ec2.CallAsync("DescribeNetworkInterfaces", parameters, token).ConfigureAwait(false);
            return !reply.IsOk ? StepResult.Fail(reply.ErrorCode!) : check(reply.Body) ? StepResult.Ok : StepResult.Fail("WrongAnswer");
        }, StepTimeouts.Ec2).ConfigureAwait(false);
    }

    /// <summary>Every value of an element named <paramref name="tag"/>, in order.</summary>
    private static List<string> Values(string xml, string tag)
    {
        var (open, close) = ($"<{tag}>", $"</{tag}>");
        var values = new List<string>();
        for (var at = xml.IndexOf(open, StringComparison.Ordinal); at >= 0; at = xml.IndexOf(open, at, StringComparison.Ordinal))
        {
            var end = xml.IndexOf(close, at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            values.Add(xml[(at + open.Length)..end]);
            at = end;
        }

        return values;
    }

    /// <summary>A floating address: it may be unassigned just now, so an empty answer is fine.</summary>
    private string AddressFilter(Random random, out string ip)
    {
        ip = topology.Addresses[random.Next(topology.Addresses.Count)].Ip;
        return $"Filter.1.Name=private-ip-address&Filter.1.Value.1={ip}";
    }
}
