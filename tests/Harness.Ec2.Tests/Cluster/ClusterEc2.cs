using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Harness.Ec2.Tests.Hardening;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>The AWS SDK for .NET against the processes of a cluster, and the few resources most cluster tests start from.</summary>
internal static class ClusterEc2
{
    /// <summary>
    /// A client of one process, retries off: a test sees every error, and a stale read is not retried into a fresh one.
    /// <paramref name="timeout"/>: how long a call may take before the client gives up (the SDK's default if null).
    /// </summary>
    public static AmazonEC2Client Client(ServeProcess process, TimeSpan? timeout = null)
    {
        var config = new AmazonEC2Config { ServiceURL = process.Ec2Url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
        if (timeout is { } limit)
        {
            config.Timeout = limit;
        }

        return new AmazonEC2Client(new BasicAWSCredentials("AKIDEXAMPLE", "harness-secret"), config);
    }

    /// <summary>Each secondary address of these interfaces to the one that holds it, in one Describe; an address on two fails the test.</summary>
    public static async Task<Dictionary<string, string>> HoldersAsync(AmazonEC2Client ec2, string[] enis)
    {
        var holders = new Dictionary<string, string>();
        var all = (await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [.. enis] })).NetworkInterfaces;
        foreach (var eni in all)
        {
            foreach (var address in Secondaries(eni))
            {
                Assert.True(holders.TryAdd(address, eni.NetworkInterfaceId), $"{address} is on {holders.GetValueOrDefault(address)} and {eni.NetworkInterfaceId} at once");
            }
        }

        return holders;
    }

    public static async Task<NetworkInterface> InterfaceAsync(AmazonEC2Client ec2, string id) =>
        Assert.Single((await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] })).NetworkInterfaces);

    public static IEnumerable<string> Secondaries(NetworkInterface eni) => eni.PrivateIpAddresses.Where(p => p.Primary != true).Select(p => p.PrivateIpAddress);

    /// <summary>A VPC of <paramref name="vpcCidr"/> (a /16) and a /24 subnet at its .1.0: the subnet's id.</summary>
    public static async Task<string> SubnetAsync(AmazonEC2Client ec2, string vpcCidr)
    {
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = vpcCidr })).Vpc.VpcId;
        var subnetCidr = vpcCidr.Replace(".0.0/16", ".1.0/24", StringComparison.Ordinal);
        return (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = subnetCidr })).Subnet.SubnetId;
    }

    /// <summary>One instance (t3.micro unless <paramref name="type"/>) in the subnet, with the ClientToken if given.</summary>
    public static async Task<Instance> LaunchAsync(AmazonEC2Client ec2, string subnet, string? token = null, string? type = null) =>
        Assert.Single((await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678", InstanceType = type ?? InstanceType.T3Micro, MinCount = 1, MaxCount = 1, SubnetId = subnet, ClientToken = token,
        })).Reservation.Instances);
}
