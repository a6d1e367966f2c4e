using System.Globalization;
using System.Text.Json.Nodes;
using Harness.Domain.Clouds;
using Harness.Scenarios.Model;

namespace Harness.Scenarios.Running;

/// <summary>
/// A <c>cloud: alibaba</c> scenario: the same topology, steps and expectations, built and driven through the ECS/VPC RPC
/// API instead of EC2's. Alibaba's resources pass through states of their own (an instance is Pending after
/// RunInstances, an ENI Attaching after AttachNetworkInterface), so each step waits until they settle, as a user would.
/// The control API (metadata, clients, propagation, faults) is the same for both clouds.
/// </summary>
public sealed partial class ScenarioRunner
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    private bool IsAlibaba => scenario.Cloud == Cloud.Alibaba;

    /// <summary>The ECS API, for an Alibaba scenario; only the embedded harness or <c>run --ecs-target</c> names it.</summary>
    private EcsClient Ecs => ecs ?? throw new StepException("a cloud: alibaba scenario needs the harness's ECS endpoint (run --ecs-target URL beside --target)");

    private Task<JsonObject> EcsAsync(string action, params (string Name, string Value)[] parameters) => Ecs.CallAsync(action, Token, parameters);

    /// <summary>VPCs with a security group each (ECS needs one for every instance and ENI), vSwitches, instances and ENIs, each settled.</summary>
    private async Task BuildAlibabaAsync()
    {
        var topology = scenario.Topology;
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        var zone = CloudRules.Alibaba.ZonesOf(scenario.Region)[0];
        foreach (var vpc in topology.Vpcs)
        {
            var vpcId = EcsClient.Text(await EcsAsync("CreateVpc", ("CidrBlock", vpc.Cidr), ("VpcName", vpc.Name)), "VpcId")!;
            vpcIds[vpc.Name] = vpcId;
            groups[vpc.Name] = EcsClient.Text(await EcsAsync("CreateSecurityGroup", ("VpcId", vpcId), ("SecurityGroupName", vpc.Name)), "SecurityGroupId")!;
            foreach (var subnet in vpc.Subnets)
            {
                var created = await EcsAsync("CreateVSwitch",
                    ("VpcId", vpcId), ("CidrBlock", subnet.Cidr), ("ZoneId", subnet.Zone ?? zone), ("VSwitchName", subnet.Name));
                subnetIds[subnet.Name] = EcsClient.Text(created, "VSwitchId")!;
            }
        }

        string GroupOf(string subnet) => groups[topology.Subnets.First(s => s.Name == subnet).Vpc];

        foreach (var instance in topology.Instances)
        {
            var parameters = new List<(string, string)>
            {
                ("InstanceType", instance.Type), ("VSwitchId", subnetIds[instance.Subnet]), ("SecurityGroupId", GroupOf(instance.Subnet)),
                ("InstanceName", instance.Name), ("Amount", "1"),
            };
            if (instance.PrivateIp is { } ip)
            {
                parameters.Add(("PrivateIpAddress", ip));
            }

            var launched = await EcsAsync("RunInstances", [.. parameters]);
            instanceIds[instance.Name] = launched["InstanceIdSets"]?["InstanceIdSet"]?[0]?.GetValue<string>()
                ?? throw new StepException($"RunInstances gave no instance id for {instance.Name}");
        }

        foreach (var instance in topology.Instances)
        {
            await SettleInstanceAsync(instance.Name, "Running");
            if (instance.SecondaryIps.Count > 0)
            {
                await AssignAlibabaAsync(await AlibabaInterfaceIdAsync(new InterfaceRef(instance.Name, null, 0)), instance.SecondaryIps, null, [], null);
            }
        }

        foreach (var nic in topology.Interfaces)
        {
            var parameters = new List<(string, string)>
            {
                ("VSwitchId", subnetIds[nic.Subnet]), ("SecurityGroupId", GroupOf(nic.Subnet)), ("NetworkInterfaceName", nic.Name),
            };
            if (nic.PrivateIp is { } ip)
            {
                parameters.Add(("PrimaryIpAddress", ip));
            }

            var id = EcsClient.Text(await EcsAsync("CreateNetworkInterface", [.. parameters]), "NetworkInterfaceId")!;
            interfaceIds[nic.Name] = id;
            if (nic.SecondaryIps.Count > 0)
            {
                await AssignAlibabaAsync(id, nic.SecondaryIps, null, [], null);
            }

            if (nic.Instance is { } instance)
            {
                await EcsAsync("AttachNetworkInterface", ("NetworkInterfaceId", id), ("InstanceId", instanceIds[instance]));
                await SettleInterfaceAsync(id, "InUse");
            }
        }
    }

    /// <summary>Carries out a step through the ECS API; null for the steps that are the same on both clouds (propagation, faults, sleep).</summary>
    private async Task<(bool Done, string? Detail)> ActAlibabaAsync(Step step)
    {
        switch (step)
        {
            case AssignStep assign:
                return (true, await AssignAlibabaAsync(await AlibabaInterfaceIdAsync(assign.Target), assign.Ips, assign.Count, assign.Prefixes, assign.PrefixCount));
            case UnassignStep unassign:
                await EcsAsync("UnassignPrivateIpAddresses", [("NetworkInterfaceId", await AlibabaInterfaceIdAsync(unassign.Target)),
                    .. Numbered("PrivateIpAddress", unassign.Ips), .. Numbered("Ipv4Prefix", unassign.Prefixes)]);
                return (true, null);
            case AttachStep attach:
                var attaching = interfaceIds[attach.Interface];
                await EcsAsync("AttachNetworkInterface", ("NetworkInterfaceId", attaching), ("InstanceId", instanceIds[attach.Instance]));
                await SettleInterfaceAsync(attaching, "InUse");
                return (true, attaching);
            case DetachStep detach:
                var detaching = interfaceIds[detach.Interface];
                var holder = EcsClient.Text(await DescribeEniAsync(("NetworkInterfaceId.1", detaching)) is [var eni] ? eni : null, "InstanceId") is { Length: > 0 } held
                    ? held : throw new StepException($"{detach.Interface} is not attached to anything.");
                await EcsAsync("DetachNetworkInterface", ("NetworkInterfaceId", detaching), ("InstanceId", holder));
                await SettleInterfaceAsync(detaching, "Available");
                return (true, detaching);
            case InstanceStep instance:
                var id = instanceIds[instance.Instance];
                switch (instance.Action)
                {
                    case InstanceAction.Stop:
                        await EcsAsync("StopInstance", ("InstanceId", id), ("ForceStop", instance.Force ? "true" : "false"));
                        return (true, await SettleInstanceAsync(instance.Instance, "Stopped"));
                    case InstanceAction.Start:
                        await EcsAsync("StartInstance", ("InstanceId", id));
                        return (true, await SettleInstanceAsync(instance.Instance, "Running"));
                    default:
                        await EcsAsync("DeleteInstance", ("InstanceId", id), ("Force", "true"));
                        return (true, "Deleted");
                }

            default:
                return (false, null);
        }
    }

    private async Task<string?> AssignAlibabaAsync(string eniId, IReadOnlyList<string> ips, int? count, IReadOnlyList<string> prefixes, int? prefixCount)
    {
        var parameters = new List<(string, string)> { ("NetworkInterfaceId", eniId) };
        parameters.AddRange(Numbered("PrivateIpAddress", ips));
        parameters.AddRange(Numbered("Ipv4Prefix", prefixes));
        if (count is { } n)
        {
            parameters.Add(("SecondaryPrivateIpAddressCount", Ec2Client.Number(n)));
        }

        if (prefixCount is { } p)
        {
            parameters.Add(("Ipv4PrefixCount", Ec2Client.Number(p)));
        }

        var set = (await EcsAsync("AssignPrivateIpAddresses", [.. parameters]))["AssignedPrivateIpAddressesSet"];
        var assigned = (set?["PrivateIpSet"]?["PrivateIpAddress"] as JsonArray ?? []).Concat(set?["Ipv4PrefixSet"]?["Ipv4Prefixes"] as JsonArray ?? [])
            .Select(a => a?.GetValue<string>()).OfType<string>().ToList();
        return assigned.Count == 0 ? eniId : $"{eniId}: {string.Join(", ", assigned)}";
    }

    /// <summary>The ENI a reference names now: by name, or whichever is attached to the instance at that device (0: its primary ENI).</summary>
    private async Task<string> AlibabaInterfaceIdAsync(InterfaceRef target)
    {
        if (target.Interface is { } name)
        {
            return interfaceIds[name];
        }

        if (!instanceIds.TryGetValue(target.Instance!, out var instanceId))
        {
            return interfaceIds[target.Instance!];
        }

        return (await DescribeEniAsync(("InstanceId", instanceId))).Where(n => DeviceOf(n) == target.Device)
            .Select(n => EcsClient.Text(n, "NetworkInterfaceId")).FirstOrDefault()
            ?? throw new StepException($"{target.Instance} ({instanceId}) has no interface at device {target.Device.ToString(CultureInfo.InvariantCulture)} now.");
    }

    private static int DeviceOf(JsonObject eni) => eni["Attachment"]?["DeviceIndex"] is JsonValue index ? index.GetValue<int>() : -1;

    private async Task<List<JsonObject>> DescribeEniAsync(params (string Name, string Value)[] parameters) =>
        [.. EcsClient.Items(await EcsAsync("DescribeNetworkInterfaces", [.. parameters, ("PageSize", "100")]), "NetworkInterfaceSets", "NetworkInterfaceSet")];

    /// <summary>The instance's status as DescribeInstances shows it, or null when it is not listed (deleted).</summary>
    private async Task<string?> AlibabaStatusAsync(string instanceId) =>
        EcsClient.Items(await EcsAsync("DescribeInstances", ("InstanceIds", $"[\"{instanceId}\"]")), "Instances", "Instance")
            .Select(i => EcsClient.Text(i, "Status")).FirstOrDefault();

    private async Task<string> SettleInstanceAsync(string name, string wanted)
    {
        var id = instanceIds[name];
        await SettleAsync($"{name} ({id})", wanted, () => AlibabaStatusAsync(id));
        return wanted;
    }

    private Task SettleInterfaceAsync(string id, string wanted) =>
        SettleAsync(id, wanted, async () => EcsClient.Text((await DescribeEniAsync(("NetworkInterfaceId.1", id))).FirstOrDefault(), "Status"));

    /// <summary>Polls until a resource's asynchronous state has settled where a step left it (serve --ecs-transition draws how long).</summary>
    private async Task SettleAsync(string what, string wanted, Func<Task<string?>> status)
    {
        var deadline = clock.Now + SettleTimeout;
        string? seen;
        while ((seen = await status()) != wanted)
        {
            if (clock.Now >= deadline)
            {
                throw new StepException($"{what} is still {seen ?? "gone"} after {Durations.Format(SettleTimeout)}, not {wanted}");
            }

            await clock.SleepAsync(TimeSpan.FromMilliseconds(100), Token);
        }
    }

    private async Task<(bool, string)> CheckAlibabaApiAsync(ApiExpectation expectation)
    {
        if (expectation.State is { } state)
        {
            // Alibaba's Running, Stopped, …; a deleted instance is no longer listed, which an EC2 scenario calls terminated.
            var current = (await AlibabaStatusAsync(instanceIds[expectation.Subject]))?.ToLowerInvariant() ?? "terminated";
            return (current == state, $"DescribeInstances says {current}");
        }

        var enis = instanceIds.TryGetValue(expectation.Subject, out var instanceId)
            ? (await DescribeEniAsync(("InstanceId", instanceId))).Where(n => expectation.Device is not { } device || DeviceOf(n) == device).ToList()
            : await DescribeEniAsync(("NetworkInterfaceId.1", interfaceIds[expectation.Subject]));
        var seen = enis.Select(n =>
        {
            var addresses = EcsClient.Items(n, "PrivateIpSets", "PrivateIpSet").ToList();
            return (Device: DeviceOf(n), Id: EcsClient.Text(n, "NetworkInterfaceId") ?? "",
                Private: (IReadOnlyList<string>)[.. addresses.Select(a => EcsClient.Text(a, "PrivateIpAddress") ?? "")],
                Prefixes: (IReadOnlyList<string>)[.. EcsClient.Items(n, "Ipv4PrefixSets", "Ipv4PrefixSet").Select(p => EcsClient.Text(p, "Ipv4Prefix") ?? "")],
                Public: (IReadOnlyList<string>)[.. addresses.Select(a => EcsClient.Text(a["AssociatedPublicIp"], "PublicIpAddress")).OfType<string>().Distinct()]);
        }).ToList();
        var holds = Matches(expectation.Match!.Value, expectation.Values, seen.SelectMany(n => n.Private), seen.SelectMany(n => n.Prefixes), seen.SelectMany(n => n.Public));
        return (holds, $"DescribeNetworkInterfaces says {Describe(seen)}");
    }

    /// <summary>Removes the run's VPCs and the load's with everything in them (see <see cref="AlibabaCleanUp"/>); never throws.</summary>
    private async Task<string> CleanUpAlibabaAsync()
    {
        string[] vpcs = [.. vpcIds.Values, .. LoadVpcs()];
        if (ecs is null)
        {
            // Unreached: set-up and the load both stop at their first call without the endpoint, before they create anything.
            return $"cleaned up: nothing; could not remove {string.Join(", ", vpcs)} (no ECS endpoint: run --ecs-target URL beside --target)";
        }

        var cleanUp = new AlibabaCleanUp(ecs, clock, CleanUpTimeout);
        await cleanUp.RunAsync(vpcs);
        var done = cleanUp.Removed.Count == 0 ? "nothing" : string.Join(", ", cleanUp.Removed.Select(r => Count(r.Value, r.Key)));
        var note = $"cleaned up: {done}" + (cleanUp.Problems.Count == 0 ? "" : $"; could not remove {string.Join("; ", cleanUp.Problems)}");
        progress.Line(clock.Elapsed, cleanUp.Problems.Count == 0 ? "·" : "✗", note);
        return note;
    }
}
