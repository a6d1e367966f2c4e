using Harness.Domain.Clouds;
using Harness.Domain.Net;
using Harness.Scenarios.Model;

namespace Harness.Scenarios.Parsing;

/// <summary>
/// Checks what a scenario refers to before anything runs: every instance, interface, subnet, Elastic IP and client
/// it names exists, every address is a real address inside the subnet it is used in, and real programs get a real clock.
/// </summary>
internal sealed class ScenarioChecker
{
    private readonly Scenario scenario;
    private readonly YamlReader reader;
    private readonly Dictionary<string, (SubnetSpec Spec, Ipv4Cidr Cidr)> subnets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceSpec> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InterfaceSpec> interfaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> elasticIps = new(StringComparer.Ordinal);
    private readonly HashSet<string> clientNames = new(StringComparer.Ordinal);

    /// <summary>The names of every fault the scenario puts in force, wherever it does, with their kinds.</summary>
    private readonly Dictionary<string, string> faultNames = new(StringComparer.Ordinal);

    /// <summary>Clients that have finished by the step being checked: earlier in order, not beside it.</summary>
    private readonly HashSet<string> clients = new(StringComparer.Ordinal);

    /// <summary>Inside a parallel group: the clients it runs, which finish only when the whole group has.</summary>
    private List<string>? deferred;

    private int repeatDepth;

    /// <summary>Inside a step with <c>at:</c>: what runs there runs beside the sequence, not before what follows.</summary>
    private int offsetDepth;

    /// <summary>Every (instance, device) an interface is ever attached at, from the topology and from attach steps.</summary>
    private readonly Dictionary<(string Instance, int Device), List<string>> devices = [];

    private ScenarioChecker(Scenario scenario, YamlReader reader)
    {
        this.scenario = scenario;
        this.reader = reader;
    }

    public static void Check(Scenario scenario, YamlReader reader)
    {
        var checker = new ScenarioChecker(scenario, reader);
        checker.CheckTopology();
        if (scenario.Cloud == Cloud.Alibaba)
        {
            checker.CheckAlibaba();
        }

        checker.CheckPropagation(scenario.Propagation, new(1, 1));
        foreach (var fault in scenario.AllSteps.OfType<FaultStep>().Where(f => f.Name is not null))
        {
            checker.faultNames.TryAdd(fault.Name!, fault.Spec.Kind);
        }

        foreach (var step in scenario.Steps)
        {
            checker.CheckStep(step);
        }
    }

    /// <summary>
    /// What an Alibaba scenario cannot do yet, or cannot do at all: ECS has no AllowReassignment (a move is an unassign
    /// then an assign), and the Elastic IP steps and load workloads speak EC2 only. Zones and instance types are Alibaba's.
    /// </summary>
    private void CheckAlibaba()
    {
        var zones = CloudRules.Alibaba.ZonesOf(scenario.Region);
        foreach (var subnet in scenario.Topology.Subnets.Where(s => s.Zone is not null && !zones.Contains(s.Zone)))
        {
            reader.Error(subnet.Mark, $"vSwitch {subnet.Name}'s zone must be one of {scenario.Region}'s ({string.Join(", ", zones)}), not '{subnet.Zone}'.");
        }

        foreach (var instance in scenario.Topology.Instances.Where(i => !i.Type.StartsWith("ecs.", StringComparison.Ordinal)))
        {
            reader.Error(instance.Mark, $"Instance {instance.Name}'s type must be an ECS instance type such as ecs.g7.large, not '{instance.Type}'.");
        }

        foreach (var eip in scenario.Topology.ElasticIps)
        {
            reader.Error(eip.Mark, "Elastic IPs are not supported in cloud: alibaba scenarios yet.");
        }

        foreach (var step in scenario.AllSteps)
        {
            var refused = step switch
            {
                ReassignStep => "'reassign' needs AllowReassignment, which ECS does not have: unassign the address from its holder, then assign it.",
                AssignStep { AllowReassignment: true } => "'allowReassignment' is EC2's: ECS refuses an address another ENI holds (unassign it first).",
                AssociateStep or DisassociateStep => "Elastic IP steps are not supported in cloud: alibaba scenarios yet.",
                _ => null,
            };
            if (refused is not null)
            {
                reader.Error(step.Mark, refused);
            }
        }
    }

    private void CheckTopology()
    {
        var topology = scenario.Topology;
        if (topology.Vpcs.Count == 0 || topology.Instances.Count == 0)
        {
            reader.Error(new SourceMark(1, 1), "The topology needs at least one VPC with a subnet, and one instance.");
        }

        var vpcNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vpc in topology.Vpcs)
        {
            Unique(vpcNames, vpc.Name, "VPC", vpc.Mark);
            if (!TryCidr(vpc.Cidr, vpc.Mark, $"VPC {vpc.Name}", 16, 28, out var vpcCidr))
            {
                continue;
            }

            foreach (var subnet in vpc.Subnets)
            {
                if (subnets.ContainsKey(subnet.Name))
                {
                    reader.Error(subnet.Mark, $"Two subnets are named '{subnet.Name}'; names must be unique.");
                    continue;
                }

                if (!TryCidr(subnet.Cidr, subnet.Mark, $"subnet {subnet.Name}", 16, 28, out var cidr))
                {
                    continue;
                }

                if (!vpcCidr.Contains(cidr))
                {
                    reader.Error(subnet.Mark, $"Subnet {subnet.Name} ({subnet.Cidr}) is not inside VPC {vpc.Name} ({vpc.Cidr}).");
                }
                else if (subnets.Values.FirstOrDefault(s => s.Spec.Vpc == vpc.Name && s.Cidr.Overlaps(cidr)) is { Spec: { } other })
                {
                    reader.Error(subnet.Mark, $"Subnet {subnet.Name} ({subnet.Cidr}) overlaps subnet {other.Name} ({other.Cidr}).");
                }

                subnets[subnet.Name] = (subnet, cidr);
            }
        }

        foreach (var instance in topology.Instances)
        {
            if (!instances.TryAdd(instance.Name, instance))
            {
                reader.Error(instance.Mark, $"Two instances are named '{instance.Name}'; names must be unique.");
            }

            if (KnownSubnet(instance.Subnet, instance.Mark) is { } cidr)
            {
                foreach (var ip in new[] { instance.PrivateIp }.OfType<string>().Concat(instance.SecondaryIps))
                {
                    Address(ip, [cidr], instance.Mark, $"instance {instance.Name}");
                }
            }

            devices[(instance.Name, 0)] = [instance.Subnet];
        }

        foreach (var nic in topology.Interfaces)
        {
            if (instances.ContainsKey(nic.Name) || !interfaces.TryAdd(nic.Name, nic))
            {
                reader.Error(nic.Mark, $"'{nic.Name}' already names an instance or interface; names must be unique.");
            }

            if (KnownSubnet(nic.Subnet, nic.Mark) is { } cidr)
            {
                foreach (var ip in new[] { nic.PrivateIp }.OfType<string>().Concat(nic.SecondaryIps))
                {
                    Address(ip, [cidr], nic.Mark, $"interface {nic.Name}");
                }
            }

            if (nic.Instance is not null && KnownInstance(nic.Instance, nic.Mark))
            {
                if (topology.Interfaces.FirstOrDefault(other => other != nic && other.Instance == nic.Instance && other.Device == nic.Device) is not null)
                {
                    reader.Error(nic.Mark, $"Two interfaces are attached to {nic.Instance} as device {nic.Device}.");
                }

                Attached(nic.Instance, nic.Device, nic.Name);
            }
        }

        foreach (var step in scenario.AllSteps.OfType<AttachStep>())
        {
            if (interfaces.ContainsKey(step.Interface))
            {
                Attached(step.Instance, step.Device, step.Interface);
            }
        }

        // An address is given out once: two holders would fail at set-up with InvalidIPAddress.InUse.
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        var given = topology.Instances.SelectMany(i => new[] { i.PrivateIp }.Concat(i.SecondaryIps).OfType<string>().Select(ip => (ip, $"instance {i.Name}", i.Mark)))
            .Concat(topology.Interfaces.SelectMany(n => new[] { n.PrivateIp }.Concat(n.SecondaryIps).OfType<string>().Select(ip => (ip, $"interface {n.Name}", n.Mark))));
        foreach (var (ip, holder, mark) in given)
        {
            if (!holders.TryAdd(ip, holder))
            {
                reader.Error(mark, $"{ip} is given to {holders[ip]} and to {holder}; an address has one holder.");
            }
        }

        foreach (var eip in topology.ElasticIps)
        {
            if (!elasticIps.Add(eip.Name))
            {
                reader.Error(eip.Mark, $"Two Elastic IPs are named '{eip.Name}'; names must be unique.");
            }

            if (eip.PrivateIp is { } ip && Address(ip, [.. subnets.Values.Select(s => s.Cidr)], eip.Mark, $"Elastic IP {eip.Name}")
                && !HeldAtSetUp(ip))
            {
                reader.Error(eip.Mark, $"Elastic IP {eip.Name} is to be associated with {ip}, but no instance or interface in the topology is given that address.");
            }
        }
    }

    private void CheckStep(Step step)
    {
        if (step.At is not null && step is not ClientExpectation)
        {
            offsetDepth++;
            CheckStepBody(step);
            offsetDepth--;
            return;
        }

        CheckStepBody(step);
    }

    private void CheckStepBody(Step step)
    {
        switch (step)
        {
            case AssignStep assign:
                OnInterface(assign.Target, assign.Ips, assign.Prefixes, step.Mark);
                break;
            case ReassignStep reassign:
                OnInterface(reassign.To, [reassign.Ip], [], step.Mark);
                break;
            case UnassignStep unassign:
                OnInterface(unassign.Target, unassign.Ips, unassign.Prefixes, step.Mark);
                break;
            case AttachStep attach:
                KnownInterface(attach.Interface, step.Mark);
                KnownInstance(attach.Instance, step.Mark);
                break;
            case DetachStep detach:
                KnownInterface(detach.Interface, step.Mark);
                break;
            case AssociateStep associate:
                KnownElasticIp(associate.ElasticIp, step.Mark);
                var candidates = associate.Target is { } target ? Subnets(target, step.Mark) : [.. subnets.Values.Select(s => s.Cidr)];
                if (associate.PrivateIp is { } privateIp && candidates is not null)
                {
                    Address(privateIp, candidates, step.Mark, associate.Target?.ToString() ?? "the topology");
                }

                break;
            case DisassociateStep disassociate:
                KnownElasticIp(disassociate.ElasticIp, step.Mark);
                break;
            case InstanceStep instance:
                KnownInstance(instance.Instance, step.Mark);
                break;
            case PropagationStep propagation:
                CheckPropagation(propagation.Change, step.Mark);
                break;
            case FaultStep fault:
                if (fault.Name is { } faultName && !Harness.Domain.Faults.FaultKinds.IsValidName(faultName))
                {
                    reader.Error(step.Mark, $"'{faultName}' cannot name a fault: use 1 to 64 letters, digits, dots, dashes and underscores (not 'events').");
                }

                if (fault.Name is not null && repeatDepth > 0)
                {
                    reader.Error(step.Mark, "A named fault cannot be inside repeat: its second round would find the name in force. Leave it unnamed, or put it outside.");
                }

                if (fault.Spec.Instance is { } faultInstance)
                {
                    KnownInstance(faultInstance, step.Mark);
                }

                if (fault.Spec.Interface is { } faultInterface && KnownInterface(faultInterface, step.Mark)
                    && fault.Spec.Kind is Harness.Domain.Faults.FaultKinds.ImdsThrottle or Harness.Domain.Faults.FaultKinds.ImdsTokenError)
                {
                    reader.Error(step.Mark, $"{fault.Spec.Kind} counts against an instance's primary interface, where its metadata traffic flows; "
                        + $"'{faultInterface}' is an extra interface, so it would touch nothing. Scope it with instance= instead.");
                }

                break;
            case ClearFaultStep clear when !faultNames.ContainsKey(clear.Name):
                reader.Error(step.Mark, $"No fault is named '{clear.Name}'. {Known("Faults", faultNames.Keys)}");
                break;
            case ParallelStep parallel:
                var outer = deferred;
                deferred = [];
                foreach (var inner in parallel.Steps)
                {
                    CheckStep(inner);
                }

                if (outer is null)
                {
                    clients.UnionWith(deferred);
                }
                else
                {
                    outer.AddRange(deferred);
                }

                deferred = outer;
                break;
            case RepeatStep repeat:
                repeatDepth++;
                foreach (var inner in repeat.Steps)
                {
                    CheckStep(inner);
                }

                repeatDepth--;
                break;
            case ClientStep client:
                KnownInstance(client.Instance, step.Mark);
                if (!clientNames.Add(client.Name))
                {
                    reader.Error(step.Mark, $"Two clients are named '{client.Name}'; expectations name the client they judge.");
                }

                if (repeatDepth > 0)
                {
                    reader.Error(step.Mark, "A client step cannot be inside repeat: each run would replace the verdict of the one before. Write the runs out under different names.");
                }
                else if (offsetDepth == 0)
                {
                    if (deferred is null)
                    {
                        clients.Add(client.Name);
                    }
                    else
                    {
                        deferred.Add(client.Name);
                    }
                }

                if (scenario.Clock == ClockMode.Virtual)
                {
                    reader.Error(step.Mark, "client steps run real programs, which need clock: real; this run uses the virtual clock.");
                }

                break;
            case MetadataExpectation metadata:
                if (KnownInstance(metadata.Instance, step.Mark))
                {
                    Values(metadata.Values, step.Mark);
                }

                break;
            case ApiExpectation api:
                if (api.State is not null)
                {
                    KnownInstance(api.Subject, step.Mark);
                }
                else if (!instances.ContainsKey(api.Subject) && !interfaces.ContainsKey(api.Subject))
                {
                    reader.Error(step.Mark, $"No instance or interface is named '{api.Subject}'. {Known("Instances", instances.Keys)} {Known("Interfaces", interfaces.Keys)}");
                }
                else
                {
                    Values(api.Values, step.Mark);
                }

                break;
            case ClientExpectation expectation:
                if (expectation.At is not null)
                {
                    reader.Error(step.Mark, "An expectation on a client cannot have at:; put it after the client step, and it judges the client once it has run.");
                }
                else if (clientNames.Contains(expectation.Client) && !clients.Contains(expectation.Client))
                {
                    reader.Error(step.Mark, $"Client '{expectation.Client}' has not finished by this expectation: it runs beside it (in the same parallel group, "
                        + "at an offset, or repeated). Put the expectation after the client step or after its group.");
                }
                else if (!clients.Contains(expectation.Client))
                {
                    reader.Error(step.Mark, $"No client named '{expectation.Client}' runs before this expectation. {Known("Clients", clientNames)}");
                }

                if (expectation.WaitedForImds is { } waited)
                {
                    Address(waited, [.. subnets.Values.Select(s => s.Cidr)], step.Mark, "the topology");
                }

                if (expectation.MetFault is { } met && !faultNames.ContainsKey(met))
                {
                    reader.Error(step.Mark, $"No fault is named '{met}'. {Known("Faults", faultNames.Keys)}");
                }
                else if (expectation.MetFault is { } onChanges && Harness.Domain.Faults.FaultKinds.ActsOnPropagation(faultNames[onChanges]))
                {
                    reader.Error(step.Mark, $"Fault '{onChanges}' ({faultNames[onChanges]}) acts on metadata changes, not on a client's requests: metFault can never hold. Judge it with expect: {{ imds: … }}.");
                }

                break;
        }
    }

    private void CheckPropagation(PropagationChange? change, SourceMark mark)
    {
        if (change is null)
        {
            return;
        }

        foreach (var name in change.Instances.Keys)
        {
            KnownInstance(name, mark);
        }

        foreach (var name in change.Interfaces.Keys)
        {
            KnownInterface(name, mark);
        }
    }

    /// <summary>Addresses and prefixes used on an interface: each must be inside a subnet the interface can be in.</summary>
    private void OnInterface(InterfaceRef target, IReadOnlyList<string> ips, IReadOnlyList<string> prefixes, SourceMark mark)
    {
        if (Subnets(target, mark) is not { } within)
        {
            return;
        }

        foreach (var ip in ips)
        {
            Address(ip, within, mark, target.ToString());
        }

        foreach (var prefix in prefixes)
        {
            Prefix(prefix, within, mark, target.ToString());
        }
    }

    /// <summary>The subnets an interface reference can be in; null (with an error) when it names nothing.</summary>
    private Ipv4Cidr[]? Subnets(InterfaceRef target, SourceMark mark)
    {
        if (target.Interface is { } name)
        {
            return KnownInterface(name, mark) && subnets.TryGetValue(interfaces[name].Subnet, out var subnet) ? [subnet.Cidr] : null;
        }

        var instance = target.Instance!;
        if (interfaces.TryGetValue(instance, out var nic) && target.Device == 0)
        {
            // A bare name under to: may name an interface.
            return subnets.TryGetValue(nic.Subnet, out var nicSubnet) ? [nicSubnet.Cidr] : null;
        }

        if (!KnownInstance(instance, mark))
        {
            return null;
        }

        if (!devices.TryGetValue((instance, target.Device), out var held))
        {
            reader.Error(mark, $"Instance {instance} has no interface at device {target.Device}: attach one in the topology or with an attach step.");
            return null;
        }

        return [.. held.Select(n => instances.TryGetValue(n, out var i) ? i.Subnet : interfaces.TryGetValue(n, out var f) ? f.Subnet : n)
            .Where(subnets.ContainsKey).Select(s => subnets[s].Cidr)];
    }

    /// <summary>Addresses, /28 prefixes or Elastic IP names that an expectation looks for.</summary>
    private void Values(IEnumerable<string> values, SourceMark mark)
    {
        var all = subnets.Values.Select(s => s.Cidr).ToArray();
        foreach (var value in values)
        {
            if (elasticIps.Contains(value))
            {
                continue;
            }

            if (Ipv4.TryParse(value, out var address))
            {
                if (!PublicAddresses.Contains(address) && !all.Any(c => c.Contains(address)))
                {
                    reader.Error(mark, $"{value} is not in any subnet of the topology.");
                }

                continue;
            }

            if (value.Contains('/'))
            {
                Prefix(value, all, mark, "the topology");
                continue;
            }

            reader.Error(mark, $"'{value}' is neither an address nor an Elastic IP's name. {Known("Elastic IPs", elasticIps)}");
        }
    }

    private bool Address(string text, IReadOnlyList<Ipv4Cidr> within, SourceMark mark, string where)
    {
        if (!Ipv4.TryParse(text, out var address))
        {
            reader.Error(mark, $"'{text}' is not an IPv4 address.");
            return false;
        }

        if (within.Count > 0 && !within.Any(c => c.Contains(address)))
        {
            reader.Error(mark, $"{text} is outside the subnet of {where} ({string.Join(" or ", within.Select(c => c.ToString()))}).");
            return false;
        }

        if (within.FirstOrDefault(c => c.Contains(address)) is { PrefixLength: > 0 } subnet
            && CloudRules.For(scenario.Cloud).IsReserved(subnet, address))
        {
            reader.Error(mark, scenario.Cloud == Cloud.Alibaba
                ? $"{text} is reserved in {subnet} (a vSwitch keeps its first address and its last three)."
                : $"{text} is reserved in {subnet} (EC2 keeps the first four addresses and the last).");
            return false;
        }

        return true;
    }

    private void Prefix(string text, IReadOnlyList<Ipv4Cidr> within, SourceMark mark, string where)
    {
        if (!Ipv4Cidr.TryParse(text, out var prefix, out _) || prefix.PrefixLength != 28)
        {
            reader.Error(mark, $"'{text}' is not an IPv4 /28 prefix such as 10.0.1.64/28.");
            return;
        }

        if (!within.Any(c => c.Contains(prefix)))
        {
            reader.Error(mark, $"{text} is outside the subnet of {where} ({string.Join(" or ", within.Select(c => c.ToString()))}).");
        }
    }

    private bool TryCidr(string text, SourceMark mark, string what, int shortest, int longest, out Ipv4Cidr cidr)
    {
        if (Ipv4Cidr.TryParse(text, out cidr, out _) && cidr.PrefixLength >= shortest && cidr.PrefixLength <= longest)
        {
            return true;
        }

        reader.Error(mark, $"The CIDR of {what} must be a block from /{shortest} to /{longest} such as 10.0.0.0/16, not '{text}'.");
        return false;
    }

    private bool HeldAtSetUp(string ip) =>
        scenario.Topology.Instances.Any(i => i.PrivateIp == ip || i.SecondaryIps.Contains(ip))
        || scenario.Topology.Interfaces.Any(n => n.PrivateIp == ip || n.SecondaryIps.Contains(ip));

    private void Attached(string instance, int device, string nic)
    {
        if (!devices.TryGetValue((instance, device), out var list))
        {
            devices[(instance, device)] = list = [];
        }

        list.Add(nic);
    }

    private void Unique(HashSet<string> names, string name, string what, SourceMark mark)
    {
        if (!names.Add(name))
        {
            reader.Error(mark, $"Two {what}s are named '{name}'; names must be unique.");
        }
    }

    private Ipv4Cidr? KnownSubnet(string name, SourceMark mark)
    {
        if (subnets.TryGetValue(name, out var subnet))
        {
            return subnet.Cidr;
        }

        reader.Error(mark, $"No subnet is named '{name}'. {Known("Subnets", subnets.Keys)}");
        return null;
    }

    private bool KnownInstance(string name, SourceMark mark) => Known(instances.ContainsKey(name), mark, $"No instance is named '{name}'. {Known("Instances", instances.Keys)}");

    private bool KnownInterface(string name, SourceMark mark) => Known(interfaces.ContainsKey(name), mark, $"No interface is named '{name}'. {Known("Interfaces", interfaces.Keys)}");

    private bool KnownElasticIp(string name, SourceMark mark) => Known(elasticIps.Contains(name), mark, $"No Elastic IP is named '{name}'. {Known("Elastic IPs", elasticIps)}");

    private bool Known(bool known, SourceMark mark, string message)
    {
        if (!known)
        {
            reader.Error(mark, message);
        }

        return known;
    }

    private static string Known(string what, IEnumerable<string> names) =>
        names.Any() ? $"{what}: {string.Join(", ", names.Order(StringComparer.Ordinal))}." : $"{what}: none.";
}
