using System.Globalization;
using System.Xml.Linq;

namespace Harness.Imds.Tests.Fixtures;

/// <summary>Builds VPCs, subnets and instances over the wire, and finds where each instance's metadata is served.</summary>
public static class Topology
{
    public const string ImageId = "ami-0123456789abcdef0";

    public static async Task<Network> NetworkAsync(
        HarnessFixture harness, string region = "us-east-1", string vpcCidr = "10.0.0.0/16", string subnetCidr = "10.0.1.0/24")
    {
        var vpc = HarnessFixture.Value(
            await harness.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = vpcCidr }, region), "vpcId");
        var subnet = await harness.OkAsync("CreateSubnet", new Dictionary<string, string> { ["VpcId"] = vpc, ["CidrBlock"] = subnetCidr }, region);
        return new Network(region, vpc, HarnessFixture.Value(subnet, "subnetId"), vpcCidr, subnetCidr);
    }

    /// <summary>Launches one instance with one interface in <paramref name="network"/>; <paramref name="extra"/> adds RunInstances parameters.</summary>
    public static async Task<Instance> LaunchAsync(
        HarnessFixture harness, Network network, string type = "m5.large", IDictionary<string, string>? extra = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["ImageId"] = ImageId, ["InstanceType"] = type, ["MinCount"] = "1", ["MaxCount"] = "1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            parameters[key] = value;
        }

        if (!parameters.Keys.Any(k => k.StartsWith("NetworkInterface.", StringComparison.Ordinal)))
        {
            parameters["SubnetId"] = network.SubnetId;
        }

        var body = await harness.OkAsync("RunInstances", parameters, network.Region);
        var item = body.Descendants(HarnessFixture.Ec2 + "instancesSet").Single().Elements().Single();
        var instanceId = item.Element(HarnessFixture.Ec2 + "instanceId")!.Value;
        var interfaces = item.Element(HarnessFixture.Ec2 + "networkInterfaceSet")!.Elements()
            .Select(n => new Nic(
                Child(n, "networkInterfaceId"), Child(n, "macAddress"), Child(n, "privateIpAddress"),
                int.Parse(n.Element(HarnessFixture.Ec2 + "attachment")!.Element(HarnessFixture.Ec2 + "deviceIndex")!.Value, CultureInfo.InvariantCulture)))
            .OrderBy(n => n.DeviceIndex)
            .ToList();
        var (_, document, _) = await harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{instanceId}");
        var endpoint = new Uri(document.GetProperty("imdsEndpoint").GetString()!);
        return new Instance(network, instanceId, interfaces, endpoint.Host);
    }

    /// <summary>A secondary address on <paramref name="networkInterfaceId"/>; returns the call's result element.</summary>
    public static Task<XElement> AssignAsync(HarnessFixture harness, string networkInterfaceId, string address, bool allowReassignment = false) =>
        harness.OkAsync("AssignPrivateIpAddresses", new Dictionary<string, string>
        {
            ["NetworkInterfaceId"] = networkInterfaceId,
            ["PrivateIpAddress.1"] = address,
            ["AllowReassignment"] = allowReassignment ? "true" : "false",
        });

    /// <summary>Allocates an Elastic IP and associates it with <paramref name="privateIp"/> on the interface; returns the public IP.</summary>
    public static async Task<string> AssociateElasticIpAsync(HarnessFixture harness, string networkInterfaceId, string privateIp)
    {
        var allocation = await harness.OkAsync("AllocateAddress", new Dictionary<string, string> { ["Domain"] = "vpc" });
        await harness.OkAsync("AssociateAddress", new Dictionary<string, string>
        {
            ["AllocationId"] = HarnessFixture.Value(allocation, "allocationId"),
            ["NetworkInterfaceId"] = networkInterfaceId,
            ["PrivateIpAddress"] = privateIp,
        });
        return HarnessFixture.Value(allocation, "publicIp");
    }

    /// <summary>The private addresses DescribeNetworkInterfaces shows on the interface, primary first.</summary>
    public static async Task<List<string>> DescribedAddressesAsync(HarnessFixture harness, string networkInterfaceId)
    {
        var body = await harness.OkAsync("DescribeNetworkInterfaces", new Dictionary<string, string> { ["NetworkInterfaceId.1"] = networkInterfaceId });
        return body.Descendants(HarnessFixture.Ec2 + "privateIpAddressesSet").Single().Elements()
            .Select(e => e.Element(HarnessFixture.Ec2 + "privateIpAddress")!.Value)
            .ToList();
    }

    private static string Child(XElement element, string name) => element.Element(HarnessFixture.Ec2 + name)!.Value;
}

public sealed record Network(string Region, string VpcId, string SubnetId, string VpcCidr, string SubnetCidr);

public sealed record Nic(string NetworkInterfaceId, string Mac, string PrivateIp, int DeviceIndex);

/// <param name="Address">The instance's own loopback address, where its metadata is served.</param>
public sealed record Instance(Network Network, string InstanceId, IReadOnlyList<Nic> Interfaces, string Address)
{
    public Nic Eth0 => Interfaces[0];
}
