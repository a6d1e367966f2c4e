using System.Globalization;

namespace Harness.Bench;

/// <summary>One network interface the workloads drive, with the primary address it was created with.</summary>
internal sealed record Eni(string Id, string PrimaryIp);

/// <summary>
/// The VPC, subnet and interfaces every workload needs. Each worker gets its own interfaces
/// so concurrent workers never contend on one resource; that is the scaling the figures claim.
/// </summary>
internal sealed class Ec2Fixture
{
    private Ec2Fixture(string subnetId, Eni[] assign, Eni[] pairA, Eni[] pairB, string[] pingPongIps)
    {
        SubnetId = subnetId;
        Assign = assign;
        PairA = pairA;
        PairB = pairB;
        PingPongIps = pingPongIps;
    }

    public string SubnetId { get; }

    public Eni[] Assign { get; }

    public Eni[] PairA { get; }

    public Eni[] PairB { get; }

    /// <summary>The secondary address each worker's ping-pong moves between its A and B.</summary>
    public string[] PingPongIps { get; }

    public static async Task<Ec2Fixture> CreateAsync(QueryClient client, int workers)
    {
        var subnetId = await CreateVpcAndSubnetAsync(client, "10.0.0.0/16");
        var assign = new Eni[workers];
        var pairA = new Eni[workers];
        var pairB = new Eni[workers];
        var ips = new string[workers];
        for (var w = 0; w < workers; w++)
        {
            assign[w] = await CreateEniAsync(client, subnetId);
            pairA[w] = await CreateEniAsync(client, subnetId);
            pairB[w] = await CreateEniAsync(client, subnetId);
            var body = await client.RequireAsync(
                "AssignPrivateIpAddresses",
                $"NetworkInterfaceId={pairA[w].Id}&SecondaryPrivateIpAddressCount=1");
            ips[w] = NewAddresses(body, pairA[w]).FirstOrDefault()
                ?? throw new InvalidOperationException($"AssignPrivateIpAddresses returned no new address: {body}");
        }

        return new Ec2Fixture(subnetId, assign, pairA, pairB, ips);
    }

    /// <summary>A VPC with one subnet spanning all of it; returns the subnet id.</summary>
    public static async Task<string> CreateVpcAndSubnetAsync(QueryClient client, string cidr)
    {
        var encoded = Uri.EscapeDataString(cidr);
        var vpc = Xml.Require(await client.RequireAsync("CreateVpc", $"CidrBlock={encoded}"), "vpcId");
        var subnet = await client.RequireAsync("CreateSubnet", $"VpcId={vpc}&CidrBlock={encoded}");
        return Xml.Require(subnet, "subnetId");
    }

    public static async Task<Eni> CreateEniAsync(QueryClient client, string subnetId)
    {
        var body = await client.RequireAsync("CreateNetworkInterface", $"SubnetId={subnetId}");
        return new Eni(Xml.Require(body, "networkInterfaceId"), Xml.Require(body, "privateIpAddress"));
    }

    /// <summary>
    /// Addresses an Assign added. AWS lists only the new ones; moto lists every address on the
    /// interface, so the primary is filtered out to treat both the same way.
    /// </summary>
    public static IEnumerable<string> NewAddresses(string assignResponse, Eni eni) =>
        Xml.AllWithin(assignResponse, "assignedPrivateIpAddressesSet", "privateIpAddress")
            .Where(ip => !string.Equals(ip, eni.PrimaryIp, StringComparison.Ordinal));

    public static string UnassignParameters(Eni eni, IEnumerable<string> ips)
    {
        var parameters = new System.Text.StringBuilder("NetworkInterfaceId=").Append(eni.Id);
        var n = 0;
        foreach (var ip in ips)
        {
            n++;
            parameters.Append(CultureInfo.InvariantCulture, $"&PrivateIpAddress.{n}={ip}");
        }

        return n == 0 ? string.Empty : parameters.ToString();
    }
}
