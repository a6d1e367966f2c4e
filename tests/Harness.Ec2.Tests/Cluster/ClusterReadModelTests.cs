using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// What Describe* reads, across the processes of a cluster, through the AWS SDK for .NET with retries off: a write
/// acknowledged by one process is read at once on another (no polling), a process that joins later reads everything
/// already there, and addresses contested from two processes end on exactly one interface as every process sees it.
/// </summary>
public sealed class ClusterReadModelTests : IAsyncLifetime
{
    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task EveryWrite_OnOneProcess_IsReadAtOnceOnTheOther_AndAProcessThatJoinsLaterReadsItAll()
    {
        var (a, b) = (ClusterEc2.Client(await cluster.StartAsync("blue")), ClusterEc2.Client(await cluster.StartAsync("blue")));

        var vpc = (await a.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.8.0.0/16" })).Vpc;
        Assert.Equal("10.8.0.0/16", Assert.Single((await b.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc.VpcId] })).Vpcs).CidrBlock);

        // B's facade looks the VPC up in its own read model before it calls a grain.
        var subnet = (await b.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = "10.8.1.0/24" })).Subnet;
        Assert.Equal(vpc.VpcId, Assert.Single((await a.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnet.SubnetId] })).Subnets).VpcId);

        var group = (await a.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "web", Description = "web", VpcId = vpc.VpcId })).GroupId;
        Assert.Equal("web", Assert.Single((await b.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group] })).SecurityGroups).GroupName);

        var eni = (await b.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = subnet.SubnetId, Groups = [group] })).NetworkInterface;
        var assigned = (await a.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount = 3,
        })).AssignedPrivateIpAddresses.Select(x => x.PrivateIpAddress).ToList();
        Assert.Equal(assigned.Order(), ClusterEc2.Secondaries(await ClusterEc2.InterfaceAsync(b, eni.NetworkInterfaceId)).Order());

        await b.CreateTagsAsync(new CreateTagsRequest { Resources = [eni.NetworkInterfaceId], Tags = [new Tag("role", "vip")] });
        Assert.Equal("vip", Assert.Single((await ClusterEc2.InterfaceAsync(a, eni.NetworkInterfaceId)).TagSet).Value);

        var instance = Assert.Single((await a.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678", InstanceType = InstanceType.T3Micro, MinCount = 1, MaxCount = 1, SubnetId = subnet.SubnetId,
        })).Reservation.Instances).InstanceId;
        var seen = Assert.Single(Assert.Single((await b.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance] })).Reservations).Instances);
        Assert.Equal(subnet.SubnetId, seen.SubnetId);

        var allocation = (await b.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc })).AllocationId;
        var association = (await a.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocation, NetworkInterfaceId = eni.NetworkInterfaceId })).AssociationId;
        Assert.Equal(association, Assert.Single((await b.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [allocation] })).Addresses).AssociationId);

        await b.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest { NetworkInterfaceId = eni.NetworkInterfaceId, PrivateIpAddresses = [assigned[0]] });
        Assert.DoesNotContain(assigned[0], ClusterEc2.Secondaries(await ClusterEc2.InterfaceAsync(a, eni.NetworkInterfaceId)));

        // Every table in the snapshot a late joiner takes: VPCs, subnets, groups, interfaces, instances, addresses.
        var c = ClusterEc2.Client(await cluster.StartAsync("blue"));
        Assert.Equal(await WorldAsync(a), await WorldAsync(c));
        Assert.Equal(await WorldAsync(b), await WorldAsync(c));

        await b.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance] });
        var terminated = Assert.Single(Assert.Single((await c.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance] })).Reservations).Instances);
        Assert.Equal(InstanceStateName.Terminated, terminated.State.Name);

        await c.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = association });
        await c.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = eni.NetworkInterfaceId });
        var gone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => a.DescribeNetworkInterfacesAsync(
            new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [eni.NetworkInterfaceId] }));
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", gone.ErrorCode);
    }

    [Fact]
    public async Task AddressesMovedBackAndForthFromBothProcesses_EndOnOneInterfaceEach_AsBothProcessesSee()
    {
        var (a, b) = (ClusterEc2.Client(await cluster.StartAsync("blue")), ClusterEc2.Client(await cluster.StartAsync("blue")));
        var vpc = (await a.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.9.0.0/16" })).Vpc.VpcId;
        var subnet = (await a.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.9.1.0/24" })).Subnet.SubnetId;
        string[] enis = [.. await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
            (await a.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = subnet })).NetworkInterface.NetworkInterfaceId))];
        var addresses = Enumerable.Range(20, 8).Select(i => $"10.9.1.{i}").ToList();
        await a.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = enis[0], PrivateIpAddresses = addresses });

        // 40 moves in flight together, each through either process, each of a seeded choice of addresses to either interface.
        var random = new Random(16);
        var moves = Enumerable.Range(0, 40).Select(i => (
            Via: i % 2 == 0 ? a : b,
            To: enis[random.Next(2)],
            What: addresses.Where(_ => random.Next(3) == 0).DefaultIfEmpty(addresses[i % addresses.Count]).ToList())).ToList();
        await Task.WhenAll(moves.Select(m => m.Via.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = m.To, PrivateIpAddresses = m.What, AllowReassignment = true,
        })));

        var onA = await ClusterEc2.HoldersAsync(a, enis);
        var onB = await ClusterEc2.HoldersAsync(b, enis);
        Assert.Equal(addresses.Order(), onA.Keys.Order());
        Assert.Equal(onA, onB);
    }

    /// <summary>What every Describe of the region shows, as one text to compare between processes.</summary>
    private static async Task<string> WorldAsync(AmazonEC2Client ec2)
    {
        var vpcs = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs.Select(v => $"{v.VpcId} {v.CidrBlock}");
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.Select(s => $"{s.SubnetId} {s.AvailableIpAddressCount}");
        var groups = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest())).SecurityGroups.Select(g => $"{g.GroupId} {g.GroupName}");
        var interfaces = (await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest())).NetworkInterfaces
            .Select(n => $"{n.NetworkInterfaceId} {n.Status} {n.Attachment?.InstanceId} {string.Join(",", n.PrivateIpAddresses.Select(p => p.PrivateIpAddress))} {n.Association?.PublicIp}");
        var instances = ((await ec2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations ?? []).SelectMany(r => r.Instances)
            .Select(i => $"{i.InstanceId} {i.State.Name} {i.PrivateIpAddress}");
        var addresses = ((await ec2.DescribeAddressesAsync(new DescribeAddressesRequest())).Addresses ?? []).Select(x => $"{x.AllocationId} {x.AssociationId}");
        return string.Join("\n", new[] { vpcs, subnets, groups, interfaces, instances, addresses }.Select(rows => string.Join("; ", rows.Order(StringComparer.Ordinal))));
    }
}
