using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>A VPC and a subnet made through the SDK, and instances launched into it: the start of every failover path.</summary>
internal sealed record Topology(string VpcId, string SubnetId, string AvailabilityZone)
{
    public const string Ami = "ami-12345678";

    /// <summary>Creates 10.<paramref name="octet"/>.0.0/16 with one /24; distinct octets keep tests apart on a shared harness.</summary>
    public static async Task<Topology> CreateAsync(AmazonEC2Client ec2, int octet)
    {
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = $"10.{octet}.0.0/16" })).Vpc;
        var subnet = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = $"10.{octet}.1.0/24" })).Subnet;
        return new Topology(vpc.VpcId, subnet.SubnetId, subnet.AvailabilityZone);
    }

    /// <summary>An m5.large: ten addresses per interface, room for a floating address and a few by count.</summary>
    public async Task<Instance> RunAsync(AmazonEC2Client ec2, Action<RunInstancesRequest>? configure = null)
    {
        var request = new RunInstancesRequest
        {
            ImageId = Ami, MinCount = 1, MaxCount = 1, SubnetId = SubnetId, InstanceType = InstanceType.M5Large,
        };
        configure?.Invoke(request);
        return (await ec2.RunInstancesAsync(request)).Reservation.Instances.Single();
    }

    public async Task<NetworkInterface> CreateInterfaceAsync(AmazonEC2Client ec2, string description = "failover") =>
        (await ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = SubnetId, Description = description }))
            .NetworkInterface;
}
