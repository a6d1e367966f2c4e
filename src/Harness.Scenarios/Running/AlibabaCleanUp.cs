using System.Globalization;
using System.Text.Json.Nodes;

namespace Harness.Scenarios.Running;

/// <summary>
/// Takes an Alibaba run's VPCs down with everything in them, in the order ECS's dependencies need: the instances
/// (deleted with Force, which takes their primary ENIs and detaches the others), the remaining ENIs, the security groups,
/// the vSwitches, then the VPCs. Everything in a VPC is looked up rather than taken from the run's names, since clients
/// under test may have added to it. Alibaba's changes are asynchronous (an ENI passes through Detaching and Deleting,
/// and neither a vSwitch nor a group can go while one is in it), so each kind is waited out before the next, on the
/// scenario's clock: a virtual one jumps to the harness's next timer instead of sleeping. Bounded as a whole, on that
/// clock and in real time; never throws; says what it removed and what it could not, and why.
/// </summary>
internal sealed class AlibabaCleanUp(EcsClient ecs, ScenarioClock clock, TimeSpan bound)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private readonly List<string> problems = [];
    private readonly Dictionary<string, int> removed = new(StringComparer.Ordinal);
    private CancellationToken token;
    private DateTimeOffset deadline;

    /// <summary>What was removed, counted by kind, in the order removed.</summary>
    public IReadOnlyDictionary<string, int> Removed => removed;

    /// <summary>What could not be removed (or listed), each with why.</summary>
    public IReadOnlyList<string> Problems => problems;

    public async Task RunAsync(IReadOnlyList<string> vpcs)
    {
        using var timeout = new CancellationTokenSource(bound);
        token = timeout.Token;
        deadline = clock.Now + bound;

        var deleted = new HashSet<string>(StringComparer.Ordinal);
        await DrainAsync(vpcs, "instances", "DescribeInstances", "Instances", "Instance", 100, "InstanceId", instance => DeleteInstanceAsync(instance, deleted));

        var (detached, gone) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        await DrainAsync(vpcs, "interfaces", "DescribeNetworkInterfaces", "NetworkInterfaceSets", "NetworkInterfaceSet", 100, "NetworkInterfaceId",
            eni => RemoveEniAsync(eni, detached, gone));

        foreach (var group in await ListAsync(vpcs, "security groups", "DescribeSecurityGroups", "SecurityGroups", "SecurityGroup", 50) ?? [])
        {
            var id = EcsClient.Text(group, "SecurityGroupId")!;
            await RemoveAsync("security group", id, "DeleteSecurityGroup", ("SecurityGroupId", id));
        }

        foreach (var vSwitch in await ListAsync(vpcs, "vSwitches", "DescribeVSwitches", "VSwitches", "VSwitch", 50) ?? [])
        {
            var id = EcsClient.Text(vSwitch, "VSwitchId")!;
            await RemoveAsync("vSwitch", id, "DeleteVSwitch", ("VSwitchId", id));
        }

        foreach (var vpc in vpcs)
        {
            await RemoveAsync("VPC", vpc, "DeleteVpc", ("VpcId", vpc));
        }
    }

    /// <summary>
    /// Acts on every item the VPCs' listing shows and lists again, until it shows none but those given up on. An item
    /// between states (an instance Starting, an ENI Detaching or Deleting) is looked at again once time has moved on;
    /// <paramref name="act"/> says what an item still is, or null when it has given up on it (and said why).
    /// </summary>
    private async Task DrainAsync(
        IReadOnlyList<string> vpcs, string what, string action, string set, string item, int pageSize, string idName, Func<JsonObject, Task<string?>> act)
    {
        var givenUp = new HashSet<string>(StringComparer.Ordinal);
        while (await ListAsync(vpcs, what, action, set, item, pageSize) is { } listed)
        {
            var waiting = new List<string>();
            foreach (var each in listed)
            {
                var id = EcsClient.Text(each, idName)!;
                if (givenUp.Contains(id))
                {
                    continue;
                }

                if (await act(each) is { } why)
                {
                    waiting.Add($"{id} (still {why} when the {Seconds(bound)} ran out)");
                }
                else
                {
                    givenUp.Add(id);
                }
            }

            if (waiting.Count == 0)
            {
                return;
            }

            if (!await PauseAsync())
            {
                problems.AddRange(waiting);
                return;
            }
        }
    }

    /// <summary>Force deletes a Running or Stopped instance only: one still Pending, Starting or Stopping is waited for.</summary>
    private async Task<string?> DeleteInstanceAsync(JsonObject instance, HashSet<string> deleted)
    {
        var id = EcsClient.Text(instance, "InstanceId")!;
        var status = EcsClient.Text(instance, "Status");
        return deleted.Contains(id) || status is not ("Running" or "Stopped")
            ? status ?? "listed"
            : await ActAsync("instance", id, deleted, "DeleteInstance", ("InstanceId", id), ("Force", "true"));
    }

    /// <summary>
    /// Deletes an Available ENI; detaches one a client left InUse on an instance (a secondary ENI, so not one being
    /// deleted: those were detached with it), then deletes it once Available. Attaching, Detaching and Deleting pass.
    /// </summary>
    private async Task<string?> RemoveEniAsync(JsonObject eni, HashSet<string> detached, HashSet<string> deleted)
    {
        var id = EcsClient.Text(eni, "NetworkInterfaceId")!;
        var (status, holder) = (EcsClient.Text(eni, "Status"), EcsClient.Text(eni, "InstanceId"));
        switch (status)
        {
            case "Available" when !deleted.Contains(id):
                return await ActAsync("interface", id, deleted, "DeleteNetworkInterface", ("NetworkInterfaceId", id));
            case "InUse" when EcsClient.Text(eni, "Type") == "Primary":
                problems.Add($"{id} (the primary ENI of {holder}, which is still there)");
                return null;
            case "InUse" when !detached.Contains(id) && holder is { Length: > 0 }:
                return await ActAsync(null, id, detached, "DetachNetworkInterface", ("NetworkInterfaceId", id), ("InstanceId", holder));
            default:
                return status ?? "listed";
        }
    }

    /// <summary>
    /// A change that takes time: null (given up, and said why) when refused for good, otherwise what it waits for. A
    /// refusal for a state that will pass (a race with a transition) is tried again.
    /// </summary>
    private async Task<string?> ActAsync(string? kind, string id, HashSet<string> done, string action, params (string, string)[] parameters)
    {
        try
        {
            await ecs.CallAsync(action, token, parameters);
            done.Add(id);
            if (kind is not null)
            {
                removed[kind] = removed.GetValueOrDefault(kind) + 1;
            }

            return "listed";
        }
        catch (Ec2CallException busy) when (busy.Code is "IncorrectInstanceStatus" or "InvalidOperation.InvalidEniState" or "InvalidOperation.InvalidEcsState")
        {
            return $"refused ({busy.Message})";
        }
        catch (Exception failure) when (failure is Ec2CallException or HttpRequestException or OperationCanceledException)
        {
            problems.Add($"{id} ({Why(failure)})");
            return null;
        }
    }

    private async Task RemoveAsync(string kind, string id, string action, params (string, string)[] parameters)
    {
        try
        {
            await ecs.CallAsync(action, token, parameters);
            removed[kind] = removed.GetValueOrDefault(kind) + 1;
        }
        catch (Exception failure) when (failure is Ec2CallException or HttpRequestException or OperationCanceledException)
        {
            problems.Add($"{id} ({Why(failure)})");
        }
    }

    /// <summary>All of a Describe's items in the VPCs, page by page (every Describe used here serves PageNumber/PageSize); null when one failed.</summary>
    private async Task<List<JsonObject>?> ListAsync(IReadOnlyList<string> vpcs, string what, string action, string set, string item, int pageSize)
    {
        var all = new List<JsonObject>();
        foreach (var vpc in vpcs)
        {
            for (var page = 1; ; page++)
            {
                JsonObject reply;
                try
                {
                    reply = await ecs.CallAsync(action, token, ("VpcId", vpc), ("PageSize", Number(pageSize)), ("PageNumber", Number(page)));
                }
                catch (Exception failure) when (failure is Ec2CallException or HttpRequestException or OperationCanceledException)
                {
                    problems.Add($"{what} in {vpc} ({Why(failure)})");
                    return null;
                }

                var items = EcsClient.Items(reply, set, item).ToList();
                all.AddRange(items);
                var total = reply["TotalCount"] is JsonValue count && count.TryGetValue<int>(out var n) ? n : 0;
                if (items.Count == 0 || (long)page * pageSize >= total)
                {
                    break;
                }
            }
        }

        return all;
    }

    /// <summary>Lets time move on (on a virtual clock, to the harness's next transition); false once the bound is reached.</summary>
    private async Task<bool> PauseAsync()
    {
        if (clock.Now >= deadline)
        {
            return false;
        }

        try
        {
            await clock.SleepAsync(Poll, token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private string Why(Exception failure) => failure is OperationCanceledException ? $"no time left after {Seconds(bound)}" : failure.Message;

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
