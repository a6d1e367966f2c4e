using System.Net;
using Harness.Ec2.Protocol;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// Invariant 5: bad input never yields a 500. Seeded random requests for every action, built from the
/// action's real wire parameters (botocore's model) with values that are valid, malformed, out of range or
/// ids of resources that exist, so the requests reach deep into validation. Bounded: 40 requests per action.
/// </summary>
public sealed class BadInputFuzzTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    private static readonly string[] Junk =
    [
        "", "0", "1", "2", "-1", "5", "1000", "2147483648", "abc", "true", "false", "TRUE", "10.0.1.5", "10.0.1.300",
        "10.0.1.16/28", "10.0.0.0/16", "10.0.1.0/24", "0.0.0.0/0", "198.51.100.1", "eni-123", "i-1", "vpc-x",
        "subnet-0123456789abcdef0", "sg-0123456789abcdef0", "eipalloc-0123456789abcdef0", "eni-attach-0123456789abcdef0",
        "ami-0123456789abcdef0", "t3.large", "m5.large", "vpc", "standard", "required", "optional", "enabled", "disabled",
        "description", "groupSet", "sourceDestCheck", "attachment", "network-interface", "instance", "tag:Name", "*",
        new string('x', 300), "ü\u0000\u2028", "%", "aws:reserved",
    ];

    [Fact]
    public async Task RandomRequests_ForEveryAction_NeverAnswerInternalError()
    {
        var ids = await BuildTopologyAsync();
        var random = new Random(2026);
        var failures = new List<string>();
        var outcomes = new HashSet<string>();
        foreach (var action in ParameterCatalog.Actions.Order(StringComparer.Ordinal))
        {
            var names = ParameterCatalog.ParametersOf(action).ToArray();
            for (var i = 0; i < 40; i++)
            {
                var parameters = new Dictionary<string, string>();
                var count = random.Next(0, Math.Min(6, names.Length) + 1);
                for (var p = 0; p < count; p++)
                {
                    var name = names[random.Next(names.Length)].Replace(".N", "." + random.Next(1, 3), StringComparison.Ordinal);
                    parameters[name] = random.Next(3) == 0 ? ids[random.Next(ids.Count)] : Junk[random.Next(Junk.Length)];
                }

                var (status, body) = await server.CallAsync(action, parameters);
                var code = body.Element("Errors")?.Element("Error")?.Element("Code")?.Value;
                outcomes.Add(code ?? "OK");
                if (status == HttpStatusCode.InternalServerError || code == "InternalError")
                {
                    failures.Add($"{action} {string.Join('&', parameters.Select(kv => kv.Key + "=" + kv.Value))}");
                }
                else if (status != HttpStatusCode.OK && code is null)
                {
                    failures.Add($"{action}: {(int)status} without an EC2 error body");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));

        // The requests must reach past the envelope: successes and a wide spread of EC2's own codes.
        Assert.Contains("OK", outcomes);
        Assert.True(outcomes.Count >= 15, string.Join(", ", outcomes));
    }

    /// <summary>Real resources, so that random requests also hit existing ids.</summary>
    private async Task<List<string>> BuildTopologyAsync()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server);
        var subnets = await server.OkAsync("DescribeSubnets", new Dictionary<string, string> { ["SubnetId.1"] = subnet });
        var vpc = HarnessServer.Value(subnets, "vpcId");
        var nic = await TopologyBuilder.InterfaceAsync(server, subnet);
        var run = await server.OkAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-0123456789abcdef0", ["InstanceType"] = "t3.large", ["MinCount"] = "1", ["MaxCount"] = "1", ["SubnetId"] = subnet,
        });
        var instance = HarnessServer.Value(run, "instanceId");
        var attach = await server.OkAsync("AttachNetworkInterface", new Dictionary<string, string>
        {
            ["NetworkInterfaceId"] = nic, ["InstanceId"] = instance, ["DeviceIndex"] = "1",
        });
        var allocation = HarnessServer.Value(await server.OkAsync("AllocateAddress"), "allocationId");
        var group = HarnessServer.Value(await server.OkAsync("DescribeSecurityGroups"), "groupId");
        return [subnet, vpc, nic, instance, HarnessServer.Value(attach, "attachmentId"), allocation, group];
    }
}
