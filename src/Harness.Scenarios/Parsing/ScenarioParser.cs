using Harness.ControlPlane.Metadata;
using Harness.Domain.Clouds;
using Harness.Domain.Delays;
using Harness.Domain.Faults;
using Harness.Ec2;
using Harness.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios.Parsing;

/// <summary>What the command line changes in a scenario: its seed, its clock, its variables.</summary>
public sealed record ScenarioOverrides(int? Seed = null, ClockMode? Clock = null, IReadOnlyDictionary<string, string>? Variables = null);

/// <summary>
/// Reads a scenario file into a <see cref="Scenario"/>, or lists every problem in it with its position: YAML syntax,
/// unknown keys, values of the wrong shape, and (<see cref="ScenarioChecker"/>) names and addresses that do not exist.
/// </summary>
public static partial class ScenarioParser
{
    private static readonly string[] TopKeys = ["name", "description", "seed", "cloud", "clock", "region", "vars", "propagation", "load", "topology", "steps"];
    private static readonly string[] StepKinds =
        ["assign", "reassign", "unassign", "attach", "detach", "associate", "disassociate", "stop", "start", "terminate",
         "propagation", "sleep", "expect", "client", "parallel", "repeat", "fault", "clearFault"];

    private static readonly string[] PropagationKeys = ["imds", "kinds", "reorder", "forcedDetachStaysStale", "instances", "interfaces"];

    /// <exception cref="ScenarioInvalidException">The file has problems; all of them are listed.</exception>
    public static Scenario Load(string path, ScenarioOverrides? overrides = null)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioInvalidException([new(path, new(1, 1), $"Cannot read the scenario file: {error.Message}")]);
        }

        return Parse(path, text, overrides);
    }

    /// <exception cref="ScenarioInvalidException">The text has problems; all of them are listed.</exception>
    public static Scenario Parse(string file, string text, ScenarioOverrides? overrides = null)
    {
        overrides ??= new();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            var message = Clean(error.InnerException?.Message ?? error.Message);
            var mark = error.Start.Line > 0 ? new SourceMark((int)error.Start.Line, (int)error.Start.Column) : new SourceMark(1, 1);

            // YAML does not allow tabs in indentation; point at the first one rather than where the scanner noticed.
            var lines = text.Split('\n');
            var tabbed = Array.FindIndex(lines, line => line.TrimStart(' ').StartsWith('\t'));
            if (tabbed >= 0 && message.Contains("tab", StringComparison.OrdinalIgnoreCase))
            {
                mark = new SourceMark(tabbed + 1, lines[tabbed].IndexOf('\t') + 1);
                message = "a tab in the indentation; YAML indents with spaces only.";
            }

            throw new ScenarioInvalidException([new(file, mark, $"This is not valid YAML: {message}")]);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ScenarioInvalidException([new(file, new(1, 1), "A scenario file holds exactly one YAML document (a mapping with name, topology and steps).")]);
        }

        var root = stream.Documents[0].RootNode;
        var variables = ReadVariables(file, root, overrides.Variables ?? new Dictionary<string, string>());
        var reader = new YamlReader(file, variables);
        var scenario = Read(reader, root, overrides);
        if (scenario is not null && reader.Errors.Count == 0)
        {
            ScenarioChecker.Check(scenario, reader);
        }

        if (reader.Errors.Count > 0 || scenario is null)
        {
            throw new ScenarioInvalidException([.. reader.Errors.OrderBy(e => e.Mark.Line).ThenBy(e => e.Mark.Column)]);
        }

        return scenario;
    }

    private static string Clean(string message) =>
        message.StartsWith('(') && message.IndexOf("): ", StringComparison.Ordinal) is var end and > 0 ? message[(end + 3)..] : message;

    /// <summary><c>vars:</c> from the file, overridden by the command line's.</summary>
    private static Dictionary<string, string> ReadVariables(string file, YamlNode root, IReadOnlyDictionary<string, string> overrides)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode("vars"), out var node))
        {
            var reader = new YamlReader(file, new Dictionary<string, string>());
            if (reader.Map(node, "vars") is { } vars)
            {
                foreach (var key in vars.Keys)
                {
                    if (reader.Scalar(vars[key]!, $"the variable '{key}'") is { } value)
                    {
                        variables[key] = value;
                    }
                }
            }

            if (reader.Errors.Count > 0)
            {
                throw new ScenarioInvalidException(reader.Errors);
            }
        }

        foreach (var (key, value) in overrides)
        {
            variables[key] = value;
        }

        return variables;
    }

    private static Scenario? Read(YamlReader reader, YamlNode root, ScenarioOverrides overrides)
    {
        if (reader.Map(root, "the scenario", TopKeys) is not { } top)
        {
            return null;
        }

        var name = top.String("name", required: true);
        if (name is not null && (name.Length == 0 || name.Any(c => char.IsControl(c) || c is '/' or '\\')))
        {
            reader.Error(top["name"]!, "'name' must be a non-empty word without slashes; it names the report folder.");
        }

        var seed = overrides.Seed ?? top.Int("seed", 0, int.MaxValue) ?? 1;
        var clock = ClockMode.Real;
        if (top["clock"] is { } clockNode)
        {
            switch (reader.Scalar(clockNode, "'clock'"))
            {
                case "real":
                    clock = ClockMode.Real;
                    break;
                case "virtual":
                    clock = ClockMode.Virtual;
                    break;
                case { } other:
                    reader.Error(clockNode, $"'clock' must be real or virtual, not '{other}'.");
                    break;
            }
        }

        clock = overrides.Clock ?? clock;
        var cloud = Cloud.Aws;
        if (top["cloud"] is { } cloudNode)
        {
            switch (reader.Scalar(cloudNode, "'cloud'"))
            {
                case "aws":
                    break;
                case "alibaba":
                    cloud = Cloud.Alibaba;
                    break;
                case { } other:
                    reader.Error(cloudNode, $"'cloud' must be aws or alibaba, not '{other}'.");
                    break;
            }
        }

        var region = top.String("region") ?? (cloud == Cloud.Alibaba ? "cn-hangzhou" : "us-east-1");
        if (cloud == Cloud.Alibaba && !AlibabaRegions.IsKnown(region))
        {
            // The ECS API would refuse every call for it (Forbidden.RegionId): say so before anything runs.
            reader.Error(top["region"] ?? top.Node, $"'region' must be an Alibaba Cloud region such as cn-hangzhou, not '{region}'.");
        }
        else if (cloud == Cloud.Aws && !Harness.Ec2.Protocol.AwsRegions.All.Contains(region))
        {
            // The harness would refuse every call signed for it (AuthFailure): say so before anything runs.
            reader.Error(top["region"] ?? top.Node, $"'region' must be an AWS region such as us-east-1, not '{region}'.");
        }

        var propagation = top["propagation"] is { } propagationNode ? ReadPropagation(reader, propagationNode) : null;
        var topology = top["topology"] is { } topologyNode ? ReadTopology(reader, topologyNode, cloud) : null;
        if (topology is null)
        {
            reader.Error(top.Node, "A scenario needs 'topology' (vpcs with subnets, and instances).");
        }

        if (!top.Has("steps"))
        {
            reader.Error(top.Node, "A scenario needs 'steps'.");
        }

        var steps = ReadSteps(reader, top.Sequence("steps"));
        var load = top["load"] is { } loadNode ? ReadLoadBlock(reader, top.KeyNode("load"), loadNode, seed, clock, cloud) : [];
        return name is null || topology is null ? null
            : new Scenario(name, top.String("description"), reader.File, seed, clock, region, propagation, topology, steps) { Load = load, Cloud = cloud };
    }

    private static Topology? ReadTopology(YamlReader reader, YamlNode node, Cloud cloud)
    {
        // Alibaba calls a subnet a vSwitch: an Alibaba scenario may say either, and ecs.* types are its instance types.
        var alibaba = cloud == Cloud.Alibaba;
        string[] vpcKeys = alibaba ? ["name", "cidr", "subnets", "vswitches"] : ["name", "cidr", "subnets"];
        if (reader.Map(node, "'topology'", "vpcs", "instances", "interfaces", "elasticIps") is not { } map)
        {
            return null;
        }

        var vpcs = new List<VpcSpec>();
        foreach (var vpcNode in map.Sequence("vpcs", required: true))
        {
            if (reader.Map(vpcNode, "a VPC", vpcKeys) is not { } vpc)
            {
                continue;
            }

            var vpcName = vpc.String("name", required: true) ?? "";
            var subnets = new List<SubnetSpec>();
            var subnetsKey = alibaba && (vpc.Has("vswitches") || !vpc.Has("subnets")) ? "vswitches" : "subnets";
            if (vpc.Has("subnets") && vpc.Has("vswitches"))
            {
                reader.Error(vpc.KeyNode("vswitches"), "A VPC has 'subnets' or 'vswitches' (the same thing on Alibaba Cloud), not both.");
            }

            foreach (var subnetNode in vpc.Sequence(subnetsKey, required: true))
            {
                if (reader.Map(subnetNode, alibaba ? "a vSwitch" : "a subnet", "name", "cidr", "zone") is { } subnet)
                {
                    subnets.Add(new(subnet.String("name", required: true) ?? "", subnet.String("cidr", required: true) ?? "",
                        subnet.String("zone"), vpcName, subnet.Mark));
                }
            }

            vpcs.Add(new(vpcName, vpc.String("cidr", required: true) ?? "", subnets, vpc.Mark));
        }

        var instances = new List<InstanceSpec>();
        foreach (var instanceNode in map.Sequence("instances", required: true))
        {
            if (reader.Map(instanceNode, "an instance", "name", "type", "subnet", "privateIp", "secondaryIps") is { } instance)
            {
                instances.Add(new(instance.String("name", required: true) ?? "", instance.String("type") ?? (alibaba ? "ecs.g7.large" : "m5.large"),
                    instance.String("subnet", required: true) ?? "", instance.String("privateIp"), instance.Strings("secondaryIps"), instance.Mark));
            }
        }

        var interfaces = new List<InterfaceSpec>();
        foreach (var interfaceNode in map.Sequence("interfaces"))
        {
            if (reader.Map(interfaceNode, "an interface", "name", "subnet", "privateIp", "secondaryIps", "instance", "device") is { } nic)
            {
                interfaces.Add(new(nic.String("name", required: true) ?? "", nic.String("subnet", required: true) ?? "", nic.String("privateIp"),
                    nic.Strings("secondaryIps"), nic.String("instance"), nic.Int("device", 1, 31) ?? 1, nic.Mark));
            }
        }

        var elasticIps = new List<ElasticIpSpec>();
        foreach (var eipNode in map.Sequence("elasticIps"))
        {
            if (eipNode is YamlScalarNode)
            {
                elasticIps.Add(new(reader.Scalar(eipNode, "an Elastic IP's name") ?? "", null, YamlReader.MarkOf(eipNode)));
            }
            else if (reader.Map(eipNode, "an Elastic IP", "name", "privateIp") is { } eip)
            {
                elasticIps.Add(new(eip.String("name", required: true) ?? "", eip.String("privateIp"), eip.Mark));
            }
        }

        return new(vpcs, instances, interfaces, elasticIps);
    }

    private static PropagationChange? ReadPropagation(YamlReader reader, YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            if (reader.Scalar(node, "'propagation'") is "flush")
            {
                return new(null, Empty, null, null, Empty, Empty, Flush: true);
            }

            reader.Error(node, "'propagation' must be a mapping (imds, kinds, reorder, forcedDetachStaysStale, instances, interfaces) or flush.");
            return null;
        }

        if (reader.Map(node, "'propagation'", PropagationKeys) is not { } map)
        {
            return null;
        }

        var imds = map["imds"] is { } imdsNode ? Spec(reader, imdsNode, "'imds'") : null;
        return new(imds, Specs(reader, map, "kinds", MetadataChangeKinds.All), map.Bool("reorder"), map.Bool("forcedDetachStaysStale"),
            Specs(reader, map, "instances", null), Specs(reader, map, "interfaces", null), Flush: false);
    }

    private static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();

    /// <summary>Name to delay spec (<c>default</c> removes an override), every spec checked where it is written.</summary>
    private static Dictionary<string, string?> Specs(YamlReader reader, MapReader parent, string key, IReadOnlyList<string>? known)
    {
        var specs = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (parent.Map(key, $"'{key}' in propagation", known?.ToArray() ?? []) is { } map)
        {
            foreach (var name in map.Keys)
            {
                var node = map[name]!;
                specs[name] = reader.Scalar(node, $"'{name}'") == "default" ? null : Spec(reader, node, $"'{name}'");
            }
        }

        return specs;
    }

    private static string? Spec(YamlReader reader, YamlNode node, string what)
    {
        if (reader.Scalar(node, what) is not { } text)
        {
            return null;
        }

        if (DelaySpec.TryParse(text, out _, out var error))
        {
            return text;
        }

        // Inside { … } YAML splits a value at its commas: lognormal(median=1s,p99=6s) arrives cut short.
        var hint = text.Count(c => c == '(') > text.Count(c => c == ')')
            ? " (inside { … }, quote a spec that has commas: \"lognormal(median=1s,p99=6s)\")" : "";
        reader.Error(YamlReader.MarkInside(node, error.Position), $"{what} is not a delay spec: {PositionSuffix().Replace(error.Message, "")}{hint}");
        return null;
    }

    private static List<Step> ReadSteps(YamlReader reader, IReadOnlyList<YamlNode> nodes)
    {
        var steps = new List<Step>();
        foreach (var node in nodes)
        {
            if (ReadStep(reader, node) is { } step)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    private static Step? ReadStep(YamlReader reader, YamlNode node)
    {
        if (reader.Map(node, "a step", [.. StepKinds, "at"]) is not { } map)
        {
            return null;
        }

        var kinds = map.Keys.Where(k => k != "at").ToList();
        if (kinds.Count != 1)
        {
            reader.Error(map.Node, kinds.Count == 0
                ? $"A step needs one of {string.Join(", ", StepKinds)}."
                : $"A step does one thing; this one has {string.Join(" and ", kinds)}. Use parallel: to run steps together.");
            return null;
        }

        var kind = kinds[0];
        var body = map[kind]!;
        var at = map.Duration("at");
        var step = StepReader.Read(reader, kind, body, YamlReader.MarkOf(map.KeyNode(kind)), n => ReadSteps(reader, n), ReadPropagation, ReadFault);
        return step is null ? null : step with { At = at };
    }

    /// <summary>A fault spec in a scenario: the grammar of <c>serve --fault</c>, its errors pointed at in the file.</summary>
    private static FaultSpec? ReadFault(YamlReader reader, YamlNode node)
    {
        if (reader.Scalar(node, "a fault spec") is not { } text)
        {
            return null;
        }

        if (FaultSpec.TryParse(text, out var spec, out var error, Ec2ApiEndpoints.Actions))
        {
            return spec;
        }

        var hint = text.Count(c => c == '(') > text.Count(c => c == ')')
            ? " (inside { … }, quote a spec that has commas: \"imds-error(status=503, rate=30%)\")" : "";
        reader.Error(YamlReader.MarkInside(node, error!.Position), $"not a fault spec: {PositionSuffix().Replace(error.Message, "")}{hint}");
        return null;
    }

    /// <summary>A delay spec's error ends with its position, which the file position already gives.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@" at position \d+$")]
    private static partial System.Text.RegularExpressions.Regex PositionSuffix();
}
