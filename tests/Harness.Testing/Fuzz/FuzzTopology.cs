using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Real resources for the fuzzers to aim at, built over the wire: the EC2 fuzzer gets their ids (and may stop or
/// delete them); one more instance is kept out of its reach, so its metadata service is never meant to drop a request.
/// </summary>
public sealed record FuzzTopology(IReadOnlyList<string> Ids, IPEndPoint Imds)
{
    private static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public static async Task<FuzzTopology> BuildAsync(HttpClient api, string cidrSecondOctet = "0")
    {
        var vpc = await ValueAsync(api, "CreateVpc", "vpcId", ("CidrBlock", $"10.{cidrSecondOctet}.0.0/16"));
        var subnet = await ValueAsync(api, "CreateSubnet", "subnetId", ("VpcId", vpc), ("CidrBlock", $"10.{cidrSecondOctet}.1.0/24"));
        var nic = await ValueAsync(api, "CreateNetworkInterface", "networkInterfaceId", ("SubnetId", subnet));
        (string, string)[] run = [("ImageId", "ami-0123456789abcdef0"), ("InstanceType", "t3.large"), ("MinCount", "1"), ("MaxCount", "1"), ("SubnetId", subnet)];
        var instance = await ValueAsync(api, "RunInstances", "instanceId", run);
        var kept = await ValueAsync(api, "RunInstances", "instanceId", run);
        var attachment = await ValueAsync(api, "AttachNetworkInterface", "attachmentId", ("NetworkInterfaceId", nic), ("InstanceId", instance), ("DeviceIndex", "1"));
        var allocation = await ValueAsync(api, "AllocateAddress", "allocationId");
        var group = await ValueAsync(api, "DescribeSecurityGroups", "groupId");
        await ValueAsync(api, "CreateTags", "return", ("ResourceId.1", vpc), ("Tag.1.Key", "Name"), ("Tag.1.Value", "fuzz"));

        using var described = JsonDocument.Parse(await api.GetStringAsync(new Uri("/_harness/instances/" + kept, UriKind.Relative)));
        var endpoint = new Uri(described.RootElement.GetProperty("imdsEndpoint").GetString()!);
        return new FuzzTopology([vpc, subnet, nic, instance, attachment, allocation, group], new IPEndPoint(IPAddress.Parse(endpoint.Host), endpoint.Port));
    }

    private static async Task<string> ValueAsync(HttpClient api, string action, string element, params (string Name, string Value)[] parameters)
    {
        using var request = Ec2QueryRequest.Create(action, parameters.ToDictionary(p => p.Name, p => p.Value));
        using var response = await api.SendAsync(request);
        var body = XElement.Parse(await response.Content.ReadAsStringAsync());
        return response.IsSuccessStatusCode
            ? body.Descendants(Ec2 + element).First().Value
            : throw new InvalidOperationException($"{action} failed while building the fuzz topology: {body}");
    }
}
