using System.Xml.Linq;

namespace Harness.Scenarios.Running;

/// <summary>
/// Taking the run's world down again: its Elastic IPs, and its VPCs with everything in them. A harness shared through
/// <c>--target</c> keeps quotas (Elastic IPs above all) across runs, so a run that left its world behind would make a
/// later one fail at set-up; the embedded harness is discarded anyway, but cleans up the same way so this is tested.
/// </summary>
public sealed partial class ScenarioRunner
{
    /// <summary>Clean-up is bounded as a whole: a harness gone or stuck must not keep the run from ending.</summary>
    private static readonly TimeSpan CleanUpTimeout = TimeSpan.FromSeconds(30);

    private async Task UnregisterClientsAsync()
    {
        string[] ids;
        lock (gate)
        {
            ids = [.. registeredClients];
            registeredClients.Clear();
        }

        using var timeout = new CancellationTokenSource(CleanUpTimeout);
        foreach (var id in ids)
        {
            try
            {
                await control.DeleteClientAsync(id, timeout.Token);
            }
            catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
            {
                progress.Line(clock.Elapsed, "✗", $"could not unregister client {id}: {failure.Message}");
            }
        }
    }

    /// <summary>
    /// Removes what the run created (unless kept), in the order EC2 needs: addresses off their interfaces and released,
    /// instances terminated (which deletes their launch interfaces and detaches the others), the remaining interfaces,
    /// security groups and subnets of the run's VPCs, then the VPCs. Never throws: what could not be removed is said, and
    /// the note returned goes into the report; null when the run created nothing.
    /// </summary>
    private async Task<string?> CleanUpAsync()
    {
        // Clients go even when the world is kept: their records are in the report, and each holds an alias address and
        // keeps its instance's metadata slot (and so its loopback address) from being forgotten.
        await UnregisterClientsAsync();

        // Set-up, the steps and the loads are over: these no longer change.
        string[] vpcs = [.. vpcIds.Values, .. LoadVpcs()], instances = [.. instanceIds.Values], subnets = [.. subnetIds.Values];
        string[] addresses = [.. elasticIps.Values.Select(e => e.AllocationId)];

        if (vpcs.Length == 0 && addresses.Length == 0)
        {
            return null;
        }

        if (keep)
        {
            var kept = $"kept (--keep): {string.Join(", ", vpcIds.Select(v => $"VPC {v.Value} ({v.Key})").Concat(LoadVpcs().Select(v => $"VPC {v} (load)")))}"
                + $" with {Count(instances.Length, "instance")}, {Count(interfaceIds.Count, IsAlibaba ? "extra ENI" : "extra interface")}, "
                + Count(subnets.Length, IsAlibaba ? "vSwitch" : "subnet")
                + (addresses.Length == 0 ? "" : $"; {Count(addresses.Length, "Elastic IP")} ({string.Join(", ", addresses)})")
                + (shared ? "; they hold the harness's quotas until released (POST /_harness/reset empties the whole harness)" : "; the embedded harness goes with the run");
            progress.Line(clock.Elapsed, "·", kept);
            return kept;
        }

        if (IsAlibaba)
        {
            return await CleanUpAlibabaAsync();
        }

        var problems = new List<string>();
        var removed = new Dictionary<string, int>(StringComparer.Ordinal);
        using var timeout = new CancellationTokenSource(CleanUpTimeout);
        var token = timeout.Token;

        async Task<XElement?> Try(string what, string action, params (string, string)[] parameters)
        {
            try
            {
                return await ec2.CallAsync(action, token, parameters);
            }
            catch (Exception failure) when (failure is Ec2CallException or HttpRequestException or OperationCanceledException)
            {
                problems.Add($"{what} ({(failure is OperationCanceledException ? $"no time left after {CleanUpTimeout.TotalSeconds:0} s" : failure.Message)})");
                return null;
            }
        }

        async Task Remove(string kind, string id, string action, params (string, string)[] parameters)
        {
            if (await Try(id, action, parameters) is not null)
            {
                removed[kind] = removed.GetValueOrDefault(kind) + 1;
            }
        }

        if (addresses.Length > 0)
        {
            var described = await Try("Elastic IPs", "DescribeAddresses", [.. Numbered("AllocationId", addresses)]);
            foreach (var association in Ec2Client.Items(described, "addressesSet").Select(a => Ec2Client.Value(a, "associationId")).OfType<string>())
            {
                await Try(association, "DisassociateAddress", ("AssociationId", association));
            }

            foreach (var allocationId in addresses)
            {
                await Remove("Elastic IP", allocationId, "ReleaseAddress", ("AllocationId", allocationId));
            }
        }

        if (vpcs.Length > 0)
        {
            // Everything in the run's VPCs is the run's: clients under test may have added to it.
            var inVpcs = Numbered("Filter.1.Value", vpcs).Prepend(("Filter.1.Name", "vpc-id")).ToArray();
            var running = await Try("instances", "DescribeInstances",
                [.. inVpcs, ("Filter.2.Name", "instance-state-name"), .. Numbered("Filter.2.Value", ["pending", "running", "stopping", "stopped"])]);
            var live = (running is null ? instances : Ec2Client.All(running, "instanceId").Select(e => e.Value)).Distinct(StringComparer.Ordinal).ToList();
            if (live.Count > 0 && await Try(string.Join(", ", live), "TerminateInstances", [.. Numbered("InstanceId", live)]) is not null)
            {
                removed["instance"] = live.Count;
            }

            var nics = await Try("interfaces", "DescribeNetworkInterfaces", inVpcs);
            foreach (var nic in Ec2Client.Items(nics, "networkInterfaceSet").Select(n => Ec2Client.Value(n, "networkInterfaceId")).OfType<string>())
            {
                await Remove("interface", nic, "DeleteNetworkInterface", ("NetworkInterfaceId", nic));
            }

            var groups = await Try("security groups", "DescribeSecurityGroups", inVpcs);
            foreach (var group in Ec2Client.Items(groups, "securityGroupInfo").Where(g => Ec2Client.Value(g, "groupName") != "default"))
            {
                var id = Ec2Client.Value(group, "groupId")!;
                await Remove("security group", id, "DeleteSecurityGroup", ("GroupId", id));
            }

            var found = await Try("subnets", "DescribeSubnets", inVpcs);
            var all = found is null ? subnets : Ec2Client.Items(found, "subnetSet").Select(s => Ec2Client.Value(s, "subnetId")).OfType<string>().ToArray();
            foreach (var subnet in all)
            {
                await Remove("subnet", subnet, "DeleteSubnet", ("SubnetId", subnet));
            }

            foreach (var vpc in vpcs)
            {
                await Remove("VPC", vpc, "DeleteVpc", ("VpcId", vpc));
            }
        }

        var done = removed.Count == 0 ? "nothing" : string.Join(", ", removed.Select(r => Count(r.Value, r.Key)));
        var note = $"cleaned up: {done}" + (problems.Count == 0 ? "" : $"; could not remove {string.Join("; ", problems)}");
        progress.Line(clock.Elapsed, problems.Count == 0 ? "·" : "✗", note);
        return note;
    }

    /// <summary>An EC2 list parameter: <c>Name.1</c>, <c>Name.2</c>, ….</summary>
    private static IEnumerable<(string, string)> Numbered(string name, IEnumerable<string> values) =>
        values.Select((value, i) => ($"{name}.{Ec2Client.Number(i + 1)}", value));
}
