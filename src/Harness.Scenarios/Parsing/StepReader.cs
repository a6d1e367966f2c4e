using Harness.Scenarios.Model;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios.Parsing;

/// <summary>Reads the body of each kind of step.</summary>
internal static class StepReader
{
    public static Step? Read(
        YamlReader reader, string kind, YamlNode body, SourceMark mark, Func<IReadOnlyList<YamlNode>, List<Step>> steps,
        Func<YamlReader, YamlNode, PropagationChange?> propagation, Func<YamlReader, YamlNode, Harness.Domain.Faults.FaultSpec?> fault)
    {
        switch (kind)
        {
            case "assign":
                return Assign(reader, body, mark);
            case "reassign":
                return reader.Map(body, "reassign", "ip", "to", "device") is { } reassign
                    && reassign.String("ip", required: true) is { } ip && Target(reader, reassign, "to", required: true) is { } to
                    ? new ReassignStep(mark, ip, to) : null;
            case "unassign":
                return reader.Map(body, "unassign", "instance", "interface", "device", "ips", "prefixes") is { } unassign
                    && Target(reader, unassign, null, required: true) is { } from
                    ? Unassign(reader, unassign, from, mark) : null;
            case "attach":
                return reader.Map(body, "attach", "interface", "instance", "device") is { } attach
                    && attach.String("interface", required: true) is { } nic && attach.String("instance", required: true) is { } instance
                    && attach.Int("device", 1, 31, required: true) is { } device
                    ? new AttachStep(mark, nic, instance, device) : null;
            case "detach":
                if (body is YamlScalarNode)
                {
                    return reader.Scalar(body, "detach") is { } name ? new DetachStep(mark, name, false) : null;
                }

                return reader.Map(body, "detach", "interface", "force") is { } detach && detach.String("interface", required: true) is { } detached
                    ? new DetachStep(mark, detached, detach.Bool("force") ?? false) : null;
            case "associate":
                return Associate(reader, body, mark);
            case "disassociate":
                if (body is YamlScalarNode)
                {
                    return reader.Scalar(body, "disassociate") is { } eip ? new DisassociateStep(mark, eip) : null;
                }

                return reader.Map(body, "disassociate", "eip") is { } disassociate && disassociate.String("eip", required: true) is { } named
                    ? new DisassociateStep(mark, named) : null;
            case "stop" or "start" or "terminate":
                return Instance(reader, kind, body, mark);
            case "propagation":
                return propagation(reader, body) is { } change ? new PropagationStep(mark, change) : null;
            case "fault":
                if (body is YamlScalarNode)
                {
                    return fault(reader, body) is { } unnamed ? new FaultStep(mark, null, unnamed) : null;
                }

                return reader.Map(body, "fault", "name", "spec") is { } faultMap && faultMap.String("name", required: true) is { } faultName
                    && faultMap["spec"] is { } specNode && fault(reader, specNode) is { } faultSpec
                    ? new FaultStep(mark, faultName, faultSpec)
                    : Missing(reader, body, "fault", "spec");
            case "clearFault":
                return reader.Scalar(body, "clearFault") is { } cleared ? new ClearFaultStep(mark, cleared) : null;
            case "sleep":
                return reader.Duration(body, "sleep") is { } duration ? new SleepStep(mark, duration) : null;
            case "expect":
                return Expect(reader, body, mark);
            case "client":
                return Client(reader, body, mark);
            case "parallel":
                return new ParallelStep(mark, steps(reader.Sequence(body, "parallel")));
            case "repeat":
                return reader.Map(body, "repeat", "times", "steps") is { } repeat && repeat.Int("times", 1, 10_000, required: true) is { } times
                    ? new RepeatStep(mark, times, steps(repeat.Sequence("steps", required: true))) : null;
            default:
                throw new InvalidOperationException($"No reader for step kind {kind}.");
        }
    }

    /// <summary>A map that lacks a key it needs: said once (unless something in it was already wrong).</summary>
    private static Step? Missing(YamlReader reader, YamlNode body, string kind, string key)
    {
        if (body is YamlMappingNode map && !map.Children.ContainsKey(new YamlScalarNode(key)))
        {
            reader.Error(body, $"{kind} needs '{key}'.");
        }

        return null;
    }

    private static AssignStep? Assign(YamlReader reader, YamlNode body, SourceMark mark)
    {
        if (reader.Map(body, "assign", "instance", "interface", "device", "ips", "count", "prefixes", "allowReassignment") is not { } map
            || Target(reader, map, null, required: true) is not { } target)
        {
            return null;
        }

        var ips = map.Strings("ips");
        var count = map.Int("count", 1, 50);
        IReadOnlyList<string> prefixes = [];
        int? prefixCount = null;
        if (map["prefixes"] is YamlScalarNode { Value: { } text } && int.TryParse(text, out _))
        {
            prefixCount = map.Int("prefixes", 1, 50);
        }
        else
        {
            prefixes = map.Strings("prefixes");
        }

        if (ips.Count > 0 && count is not null || prefixes.Count > 0 && prefixCount is not null)
        {
            reader.Error(map.Node, "assign takes ips or count, not both.");
        }

        if (ips.Count == 0 && count is null && prefixes.Count == 0 && prefixCount is null && map.Clean)
        {
            reader.Error(map.Node, "assign needs ips (a list of addresses), count, or prefixes (a count or a list of /28s).");
        }

        return new AssignStep(mark, target, ips, count, prefixes, prefixCount, map.Bool("allowReassignment") ?? false);
    }

    private static UnassignStep? Unassign(YamlReader reader, MapReader map, InterfaceRef from, SourceMark mark)
    {
        var ips = map.Strings("ips");
        var prefixes = map.Strings("prefixes");
        if (ips.Count == 0 && prefixes.Count == 0 && map.Clean)
        {
            reader.Error(map.Node, "unassign needs ips or prefixes.");
        }

        return new UnassignStep(mark, from, ips, prefixes);
    }

    private static AssociateStep? Associate(YamlReader reader, YamlNode body, SourceMark mark)
    {
        if (reader.Map(body, "associate", "eip", "ip", "instance", "interface", "device", "allowReassociation") is not { } map
            || map.String("eip", required: true) is not { } eip)
        {
            return null;
        }

        var ip = map.String("ip");
        var target = map.Has("instance") || map.Has("interface") ? Target(reader, map, null, required: true) : null;
        if (ip is null && target is null)
        {
            reader.Error(map.Node, "associate needs ip (the private address to bind the Elastic IP to) or instance.");
            return null;
        }

        return new AssociateStep(mark, eip, ip, target, map.Bool("allowReassociation") ?? false);
    }

    private static InstanceStep? Instance(YamlReader reader, string kind, YamlNode body, SourceMark mark)
    {
        var action = Enum.Parse<InstanceAction>(kind, ignoreCase: true);
        if (body is YamlScalarNode)
        {
            return reader.Scalar(body, kind) is { } name ? new InstanceStep(mark, action, name, false) : null;
        }

        string[] keys = action == InstanceAction.Stop ? ["instance", "force"] : ["instance"];
        return reader.Map(body, kind, keys) is { } map && map.String("instance", required: true) is { } instance
            ? new InstanceStep(mark, action, instance, map.Bool("force") ?? false) : null;
    }

    /// <summary>
    /// An interface: <c>interface: name</c>, or <c>instance: name</c> with an optional <c>device</c>. Under a key
    /// (<c>to:</c>) it may also be one name, of an instance (its device 0, or the <c>device</c> beside the key) or of an interface.
    /// </summary>
    private static InterfaceRef? Target(YamlReader reader, MapReader map, string? key, bool required)
    {
        var device = map.Int("device", 0, 31);
        if (key is not null)
        {
            if (map[key] is not { } node)
            {
                map.String(key, required);
                return null;
            }

            if (node is YamlScalarNode)
            {
                return reader.Scalar(node, $"'{key}'") is { } name ? new InterfaceRef(name, null, device ?? 0) { } : null;
            }

            return reader.Map(node, $"'{key}'", "instance", "interface", "device") is { } inner ? Target(reader, inner, null, required) : null;
        }

        var instance = map.String("instance");
        var nic = map.String("interface");
        if (instance is not null && nic is not null)
        {
            reader.Error(map.Node, $"{map.What} names an instance or an interface, not both.");
            return null;
        }

        if (nic is not null && device is not null)
        {
            reader.Error(map.Node, $"{map.What}: 'device' goes with 'instance', not 'interface'.");
        }

        if (instance is null && nic is null)
        {
            if (required)
            {
                reader.Error(map.Node, $"{map.What} needs 'instance' (with an optional 'device') or 'interface'.");
            }

            return null;
        }

        return new InterfaceRef(instance, nic, device ?? 0);
    }

    private static ExpectStep? Expect(YamlReader reader, YamlNode body, SourceMark mark)
    {
        if (reader.Map(body, "expect", "imds", "api", "client", "device", "has", "lacks", "equals", "state", "within", "during",
                "exitCode", "waitedForImds", "maxDuration", "metFault") is not { } map)
        {
            return null;
        }

        var subjects = new[] { "imds", "api", "client" }.Where(map.Has).ToList();
        if (subjects.Count != 1)
        {
            reader.Error(map.Node, "expect needs exactly one of imds: <instance>, api: <instance or interface> or client: <name>.");
            return null;
        }

        var within = map.Duration("within");
        var during = map.Duration("during");
        if (within is not null && during is not null)
        {
            reader.Error(map.Node, "expect takes within (comes true by then) or during (holds all that time), not both.");
        }

        var subject = subjects[0];
        if (subject == "client")
        {
            foreach (var key in new[] { "device", "has", "lacks", "equals", "state", "within", "during" }.Where(map.Has))
            {
                reader.Error(map.KeyNode(key), $"'{key}' is for imds and api expectations; a client is judged by exitCode, waitedForImds, maxDuration and metFault.");
            }

            var client = map.String("client", required: true);
            var exitCode = map.Int("exitCode", 0, 255);
            var waited = map.String("waitedForImds");
            var maxDuration = map.Duration("maxDuration");
            var metFault = map.String("metFault");
            if (exitCode is null && waited is null && maxDuration is null && metFault is null && map.Clean)
            {
                reader.Error(map.Node, "expect on a client needs exitCode, waitedForImds, maxDuration or metFault.");
            }

            return client is null ? null : new ClientExpectation(mark, client, exitCode, waited, maxDuration, metFault);
        }

        foreach (var key in new[] { "exitCode", "waitedForImds", "maxDuration", "metFault" }.Where(map.Has))
        {
            reader.Error(map.KeyNode(key), $"'{key}' is for client expectations.");
        }

        var name = map.String(subject, required: true);
        var device = map.Int("device", 0, 31);
        var matches = new[] { "has", "lacks", "equals" }.Where(map.Has).ToList();
        var state = map.String("state");
        if (subject == "imds" && state is not null)
        {
            reader.Error(map.KeyNode("state"), "'state' is for api expectations (what DescribeInstances says).");
        }

        if (matches.Count + (state is null ? 0 : 1) != 1)
        {
            if (map.Clean)
            {
                reader.Error(map.Node, subject == "imds"
                    ? "expect on metadata needs one of has, lacks or equals."
                    : "expect on the API needs one of has, lacks, equals or state.");
            }

            return null;
        }

        if (state is not null && state is not ("pending" or "running" or "stopping" or "stopped" or "shutting-down" or "terminated"))
        {
            reader.Error(map["state"]!, $"'state' must be an instance state (running, stopped, terminated, …), not '{state}'.");
        }

        var match = matches.Count == 1 ? Enum.Parse<AddressMatch>(matches[0], ignoreCase: true) : (AddressMatch?)null;
        var values = match is null ? [] : map.Strings(matches[0]);
        if (match is not null && values.Count == 0 && match != AddressMatch.Equals && map.Clean)
        {
            reader.Error(map[matches[0]]!, $"'{matches[0]}' needs at least one address.");
        }

        if (name is null)
        {
            return null;
        }

        return subject == "imds"
            ? new MetadataExpectation(mark, name, device, match!.Value, values, within, during)
            : new ApiExpectation(mark, name, device, match, values, state, within, during);
    }

    private static ClientStep? Client(YamlReader reader, YamlNode body, SourceMark mark)
    {
        if (reader.Map(body, "client", "name", "instance", "run", "timeout", "env") is not { } map)
        {
            return null;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.Map("env", "'env' in client") is { } env)
        {
            foreach (var key in env.Keys)
            {
                if (reader.Scalar(env[key]!, $"'{key}' in env") is { } value)
                {
                    environment[key] = value;
                }
            }
        }

        var name = map.String("name", required: true);
        var instance = map.String("instance", required: true);
        var run = map.String("run", required: true);
        var timeout = map.Duration("timeout") ?? TimeSpan.FromMinutes(1);
        return name is null || instance is null || run is null ? null : new ClientStep(mark, name, instance, run, timeout, environment);
    }
}
