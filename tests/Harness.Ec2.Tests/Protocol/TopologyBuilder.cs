namespace Harness.Ec2.Tests.Protocol;

/// <summary>Small helpers that build a VPC, subnet and interfaces over the wire.</summary>
internal static class TopologyBuilder
{
    public static async Task<string> SubnetAsync(HarnessServer server, string vpcCidr = "10.0.0.0/16", string subnetCidr = "10.0.1.0/24")
    {
        var vpc = HarnessServer.Value(await server.OkAsync("CreateVpc", new Dictionary<string, string> { ["CidrBlock"] = vpcCidr }), "vpcId");
        var subnet = await server.OkAsync("CreateSubnet", new Dictionary<string, string> { ["VpcId"] = vpc, ["CidrBlock"] = subnetCidr });
        return HarnessServer.Value(subnet, "subnetId");
    }

    public static async Task<string> InterfaceAsync(HarnessServer server, string subnetId, string? primary = null)
    {
        var parameters = new Dictionary<string, string> { ["SubnetId"] = subnetId };
        if (primary is not null)
        {
            parameters["PrivateIpAddress"] = primary;
        }

        return HarnessServer.Value(await server.OkAsync("CreateNetworkInterface", parameters), "networkInterfaceId");
    }
}
