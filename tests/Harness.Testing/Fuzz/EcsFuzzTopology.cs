using System.Text.Json;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Real Alibaba resources for the ECS fuzzer to aim at, built over the wire in cn-hangzhou: a VPC (10.N.0.0/16), a
/// vSwitch (10.N.1.0/24), a security group, two instances (each with its primary ENI), and two more ENIs, one of them
/// attached once the instances run. The fuzzer may stop, delete or detach any of them: stale ids are worth sending too.
/// </summary>
public sealed record EcsFuzzTopology(
    string Octet, string Vpc, string VSwitch, string SecurityGroup, IReadOnlyList<string> Instances, IReadOnlyList<string> Enis)
{
    public const string Region = "cn-hangzhou";

    public const string Zone = "cn-hangzhou-h";

    public IReadOnlyList<string> Ids => [Vpc, VSwitch, SecurityGroup, .. Instances, .. Enis];

    public static async Task<EcsFuzzTopology> BuildAsync(HttpClient ecs, string octet = "0")
    {
        var vpc = (await CallAsync(ecs, "CreateVpc", "2016-04-28", ("CidrBlock", $"10.{octet}.0.0/16"))).GetProperty("VpcId").GetString()!;
        var vSwitch = (await CallAsync(ecs, "CreateVSwitch", "2016-04-28", ("VpcId", vpc), ("ZoneId", Zone), ("CidrBlock", $"10.{octet}.1.0/24")))
            .GetProperty("VSwitchId").GetString()!;
        var group = (await CallAsync(ecs, "CreateSecurityGroup", "2014-05-26", ("VpcId", vpc))).GetProperty("SecurityGroupId").GetString()!;
        var run = await CallAsync(ecs, "RunInstances", "2014-05-26", ("InstanceType", "ecs.g7.large"), ("VSwitchId", vSwitch), ("SecurityGroupId", group), ("Amount", "2"));
        string[] instances = [.. run.GetProperty("InstanceIdSets").GetProperty("InstanceIdSet").EnumerateArray().Select(i => i.GetString()!)];
        string[] added = [await EniAsync(ecs, vSwitch, group), await EniAsync(ecs, vSwitch, group)];

        // Instances are Pending for the transition delay (0.5 to 2 s by default); an ENI attaches to a Running one.
        for (var tries = 0; ; tries++)
        {
            var statuses = (await CallAsync(ecs, "DescribeInstanceStatus", "2014-05-26", ("InstanceId.1", instances[0])))
                .GetProperty("InstanceStatuses").GetProperty("InstanceStatus").EnumerateArray().Select(s => s.GetProperty("Status").GetString());
            if (statuses.SequenceEqual(["Running"]) || tries == 100)
            {
                break;
            }

            await Task.Delay(50);
        }

        await CallAsync(ecs, "AttachNetworkInterface", "2014-05-26", ("NetworkInterfaceId", added[0]), ("InstanceId", instances[0]));
        var enis = (await CallAsync(ecs, "DescribeNetworkInterfaces", "2014-05-26", ("VSwitchId", vSwitch), ("PageSize", "50")))
            .GetProperty("NetworkInterfaceSets").GetProperty("NetworkInterfaceSet").EnumerateArray()
            .Select(e => e.GetProperty("NetworkInterfaceId").GetString()!).ToList();
        return new EcsFuzzTopology(octet, vpc, vSwitch, group, instances, enis);
    }

    private static async Task<string> EniAsync(HttpClient ecs, string vSwitch, string group) =>
        (await CallAsync(ecs, "CreateNetworkInterface", "2014-05-26", ("VSwitchId", vSwitch), ("SecurityGroupId", group))).GetProperty("NetworkInterfaceId").GetString()!;

    /// <summary>A POST with a form body, as pop-core sends it; the reply's JSON, or an exception naming the call.</summary>
    private static async Task<JsonElement> CallAsync(HttpClient ecs, string action, string version, params (string Name, string Value)[] parameters)
    {
        IEnumerable<KeyValuePair<string, string>> form =
            [new("Action", action), new("Version", version), new("RegionId", Region), new("Format", "JSON"), .. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))];
        using var content = new FormUrlEncodedContent(form);
        using var response = await ecs.PostAsync(new Uri("/", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(body).RootElement.Clone()
            : throw new InvalidOperationException($"{action} failed while building the ECS fuzz topology: {body}");
    }
}
