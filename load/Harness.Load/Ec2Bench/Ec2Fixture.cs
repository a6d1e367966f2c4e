using System.Globalization;
using System.Text;
using Harness.Load.Workloads;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// The VPC, subnet and interfaces every workload needs. Each worker gets its own interfaces so concurrent workers
/// never contend on one resource; that is the scaling the figures claim.
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

    public static async Task<Ec2Fixture> CreateAsync(Ec2Api ec2, int workers)
    {
        var subnetId = await CreateVpcAndSubnetAsync(ec2, "10.0.0.0/16");
        var assign = new Eni[workers];
        var pairA = new Eni[workers];
        var pairB = new Eni[workers];
        var ips = new string[workers];
        for (var w = 0; w < workers; w++)
        {
            assign[w] = await CreateEniAsync(ec2, subnetId);
            pairA[w] = await CreateEniAsync(ec2, subnetId);
            pairB[w] = await CreateEniAsync(ec2, subnetId);
            var body = await ec2.RequireBodyAsync("AssignPrivateIpAddresses", $"NetworkInterfaceId={pairA[w].Id}&SecondaryPrivateIpAddressCount=1");
            ips[w] = NewAddresses(body, pairA[w]).FirstOrDefault()
                ?? throw new InvalidOperationException($"AssignPrivateIpAddresses returned no new address: {body}");
        }

        return new Ec2Fixture(subnetId, assign, pairA, pairB, ips);
    }

    /// <summary>A VPC with one subnet spanning all of it; returns the subnet id.</summary>
    public static async Task<string> CreateVpcAndSubnetAsync(Ec2Api ec2, string cidr)
    {
        var encoded = Uri.EscapeDataString(cidr);
        var vpc = QueryXml.Require(await ec2.RequireBodyAsync("CreateVpc", $"CidrBlock={encoded}"), "vpcId");
        var subnet = await ec2.RequireBodyAsync("CreateSubnet", $"VpcId={vpc}&CidrBlock={encoded}");
        return QueryXml.Require(subnet, "subnetId");
    }

    public static async Task<Eni> CreateEniAsync(Ec2Api ec2, string subnetId)
    {
        var body = await ec2.RequireBodyAsync("CreateNetworkInterface", $"SubnetId={subnetId}");
        return new Eni(QueryXml.Require(body, "networkInterfaceId"), QueryXml.Require(body, "privateIpAddress"));
    }

    /// <summary>
    /// Addresses an Assign added. AWS lists only the new ones; moto lists every address on the interface, so the
    /// primary is filtered out to treat both the same way.
    /// </summary>
    public static IEnumerable<string> NewAddresses(string assignResponse, Eni eni) =>
        QueryXml.AllWithin(assignResponse, "assignedPrivateIpAddressesSet", "privateIpAddress")
            .Where(ip => !string.Equals(ip, eni.PrimaryIp, StringComparison.Ordinal));

    /// <summary>The parameters of an Unassign of <paramref name="ips"/>; empty when there are none.</summary>
    public static string UnassignParameters(Eni eni, IEnumerable<string> ips)
    {
        var parameters = new StringBuilder("NetworkInterfaceId=").Append(eni.Id);
        var n = 0;
        foreach (var ip in ips)
        {
            n++;
            parameters.Append(CultureInfo.InvariantCulture, $"&PrivateIpAddress.{n}={ip}");
        }

        return n == 0 ? string.Empty : parameters.ToString();
    }
}
