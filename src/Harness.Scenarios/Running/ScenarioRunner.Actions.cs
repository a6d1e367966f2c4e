using System.Globalization;
using System.Xml.Linq;
using Harness.Scenarios.Model;

namespace Harness.Scenarios.Running;

/// <summary>The steps that change things, each as the EC2 calls a user would make for it.</summary>
public sealed partial class ScenarioRunner
{
    /// <summary>Carries out a step; returns what is worth saying about the result (the addresses EC2 chose, …).</summary>
    private async Task<string?> ActAsync(Step step)
    {
        if (IsAlibaba && await ActAlibabaAsync(step) is (true, var said))
        {
            return said;
        }

        switch (step)
        {
            case AssignStep assign:
                return await AssignAsync(await InterfaceIdAsync(assign.Target), assign.Ips, assign.AllowReassignment, assign.Count, assign.Prefixes, assign.PrefixCount);
            case ReassignStep reassign:
                return await AssignAsync(await InterfaceIdAsync(reassign.To), [reassign.Ip], true);
            case UnassignStep unassign:
                var parameters = new List<(string, string)> { ("NetworkInterfaceId", await InterfaceIdAsync(unassign.Target)) };
                parameters.AddRange(unassign.Ips.Select((ip, i) => ($"PrivateIpAddress.{i + 1}", ip)));
                parameters.AddRange(unassign.Prefixes.Select((prefix, i) => ($"Ipv4Prefix.{i + 1}", prefix)));
                await ec2.CallAsync("UnassignPrivateIpAddresses", Token, [.. parameters]);
                return null;
            case AttachStep attach:
                var attached = await ec2.CallAsync("AttachNetworkInterface", Token, ("NetworkInterfaceId", interfaceIds[attach.Interface]),
                    ("InstanceId", instanceIds[attach.Instance]), ("DeviceIndex", Ec2Client.Number(attach.Device)));
                return Ec2Client.All(attached, "attachmentId").FirstOrDefault()?.Value;
            case DetachStep detach:
                var described = await DescribeInterfacesAsync(("NetworkInterfaceId.1", interfaceIds[detach.Interface]));
                var attachmentId = described.SelectMany(n => Ec2Client.All(n, "attachmentId")).FirstOrDefault()?.Value
                    ?? throw new StepException($"{detach.Interface} is not attached to anything.");
                await ec2.CallAsync("DetachNetworkInterface", Token, ("AttachmentId", attachmentId), ("Force", detach.Force ? "true" : "false"));
                return attachmentId;
            case AssociateStep associate:
                return await AssociateAsync(associate.ElasticIp, associate.PrivateIp, associate.Target, associate.AllowReassociation);
            case DisassociateStep disassociate:
                var addresses = await ec2.CallAsync("DescribeAddresses", Token, ("AllocationId.1", elasticIps[disassociate.ElasticIp].AllocationId));
                var associationId = Ec2Client.All(addresses, "associationId").FirstOrDefault()?.Value
                    ?? throw new StepException($"{disassociate.ElasticIp} is not associated with anything.");
                await ec2.CallAsync("DisassociateAddress", Token, ("AssociationId", associationId));
                return null;
            case InstanceStep instance:
                var id = instanceIds[instance.Instance];
                var action = instance.Action switch
                {
                    InstanceAction.Stop => "StopInstances",
                    InstanceAction.Start => "StartInstances",
                    _ => "TerminateInstances",
                };
                var reply = instance.Force
                    ? await ec2.CallAsync(action, Token, ("InstanceId.1", id), ("Force", "true"))
                    : await ec2.CallAsync(action, Token, ("InstanceId.1", id));
                return Ec2Client.All(reply, "currentState").Select(s => Ec2Client.Value(s, "name")).FirstOrDefault();
            case PropagationStep propagation:
                await ApplyAsync(propagation.Change);
                return null;
            case FaultStep fault:
                var spec = fault.Spec with
                {
                    Instance = fault.Spec.Instance is { } instanceName ? instanceIds[instanceName] : null,
                    Interface = fault.Spec.Interface is { } interfaceName ? interfaceIds[interfaceName] : null,
                };
                // Not cancelled with the run: once the harness has the fault, the run must learn its id to clear it.
                using (var adding = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    var faultId = await control.AddFaultAsync(spec.ToString(), fault.Name, adding.Token);
                    lock (gate)
                    {
                        faultIds[fault.Name ?? faultId] = faultId;
                        addedFaults.Add(faultId);
                    }

                    return faultId;
                }

            case ClearFaultStep clear:
                string? clearing;
                lock (gate)
                {
                    faultIds.TryGetValue(clear.Name, out clearing);
                }

                // Forgotten only once cleared: if the call fails, the end of the run clears it.
                var cleared = clearing is not null && await control.ClearFaultAsync(clearing, Token);
                lock (gate)
                {
                    faultIds.Remove(clear.Name);
                }

                return cleared ? null : "it had already ended";
            case SleepStep sleep:
                await clock.SleepAsync(sleep.Duration, Token);
                return null;
            default:
                throw new InvalidOperationException($"No action for {step.GetType().Name}.");
        }
    }

    private async Task<string?> AssignAsync(
        string networkInterfaceId, IReadOnlyList<string> ips, bool allowReassignment, int? count = null,
        IReadOnlyList<string>? prefixes = null, int? prefixCount = null)
    {
        var parameters = new List<(string, string)> { ("NetworkInterfaceId", networkInterfaceId) };
        parameters.AddRange(ips.Select((ip, i) => ($"PrivateIpAddress.{i + 1}", ip)));
        parameters.AddRange((prefixes ?? []).Select((prefix, i) => ($"Ipv4Prefix.{i + 1}", prefix)));
        if (count is { } n)
        {
            parameters.Add(("SecondaryPrivateIpAddressCount", Ec2Client.Number(n)));
        }

        if (prefixCount is { } p)
        {
            parameters.Add(("Ipv4PrefixCount", Ec2Client.Number(p)));
        }

        if (allowReassignment)
        {
            parameters.Add(("AllowReassignment", "true"));
        }

        var reply = await ec2.CallAsync("AssignPrivateIpAddresses", Token, [.. parameters]);
        var assigned = Ec2Client.All(reply, "privateIpAddress").Select(e => e.Value)
            .Concat(Ec2Client.All(reply, "ipv4Prefix").Select(e => e.Value)).ToList();
        return assigned.Count == 0 ? networkInterfaceId : $"{networkInterfaceId}: {string.Join(", ", assigned)}";
    }

    private async Task<string?> AssociateAsync(string elasticIp, string? privateIp, InterfaceRef? target, bool allowReassociation)
    {
        string interfaceId;
        if (target is not null)
        {
            interfaceId = await InterfaceIdAsync(target);
        }
        else
        {
            // Only among the run's own VPCs: on a shared harness, other runs' interfaces hold the same private addresses.
            var holders = (await DescribeInterfacesAsync([("Filter.1.Name", "vpc-id"), .. Numbered("Filter.1.Value", vpcIds.Values),
                ("Filter.2.Name", "addresses.private-ip-address"), ("Filter.2.Value.1", privateIp!)]))
                .Select(n => Ec2Client.Value(n, "networkInterfaceId")).OfType<string>().ToList();
            interfaceId = holders switch
            {
                [var holder] => holder,
                [] => throw new StepException($"No interface of the run holds {privateIp} to associate {elasticIp} with."),
                _ => throw new StepException($"{privateIp} is held by {string.Join(" and ", holders)}: name the interface or instance to associate {elasticIp} with."),
            };
        }

        var parameters = new List<(string, string)> { ("AllocationId", elasticIps[elasticIp].AllocationId), ("NetworkInterfaceId", interfaceId) };

        if (privateIp is not null)
        {
            parameters.Add(("PrivateIpAddress", privateIp));
        }

        if (allowReassociation)
        {
            parameters.Add(("AllowReassociation", "true"));
        }

        var reply = await ec2.CallAsync("AssociateAddress", Token, [.. parameters]);
        return $"{elasticIps[elasticIp].PublicIp} on {interfaceId}, {Ec2Client.All(reply, "associationId").FirstOrDefault()?.Value}";
    }

    /// <summary>The interface a reference names now: by name, or whichever is attached to the instance at that device.</summary>
    private async Task<string> InterfaceIdAsync(InterfaceRef target)
    {
        if (target.Interface is { } name)
        {
            return interfaceIds[name];
        }

        if (!instanceIds.TryGetValue(target.Instance!, out var instanceId))
        {
            return interfaceIds[target.Instance!];
        }

        var attached = await DescribeInterfacesAsync(
            ("Filter.1.Name", "attachment.instance-id"), ("Filter.1.Value.1", instanceId),
            ("Filter.2.Name", "attachment.device-index"), ("Filter.2.Value.1", Ec2Client.Number(target.Device)));
        return attached.Select(n => Ec2Client.Value(n, "networkInterfaceId")).FirstOrDefault()
            ?? throw new StepException($"{target.Instance} ({instanceId}) has no interface at device {target.Device.ToString(CultureInfo.InvariantCulture)} now.");
    }

    private async Task<List<XElement>> DescribeInterfacesAsync(params (string Name, string Value)[] parameters)
    {
        var reply = await ec2.CallAsync("DescribeNetworkInterfaces", Token, parameters);
        return [.. Ec2Client.Items(reply, "networkInterfaceSet")];
    }
}
