using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>The SDK's paginators follow NextToken to the end; Describe* filters narrow what comes back.</summary>
public sealed class PagingAndFilterTests(SdkHarness harness) : IClassFixture<SdkHarness>
{
    [Fact]
    public async Task ThePaginator_ReadsEveryInterfaceOnce_AcrossPagesOfFive()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 50);
        var made = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            made.Add((await net.CreateInterfaceAsync(ec2, $"paged {i}")).NetworkInterfaceId);
        }

        var paginator = ec2.Paginators.DescribeNetworkInterfaces(new DescribeNetworkInterfacesRequest
        {
            MaxResults = 5, Filters = [new Filter("subnet-id", [net.SubnetId])],
        });
        var pages = new List<int>();
        var seen = new List<string>();
        await foreach (var page in paginator.Responses)
        {
            pages.Add(page.NetworkInterfaces?.Count ?? 0);
            seen.AddRange((page.NetworkInterfaces ?? []).Select(n => n.NetworkInterfaceId));
        }

        Assert.Equal(made.Order(), seen.Order());
        Assert.Equal(12, seen.Distinct().Count());
        Assert.True(pages.Count >= 3, $"12 interfaces in pages of at most 5 take at least 3 pages, got [{string.Join(", ", pages)}]");
        Assert.All(pages, count => Assert.InRange(count, 0, 5));
    }

    [Fact]
    public async Task TheInstancesPaginator_ReadsEveryInstance_AndFiltersSelectByStateAndAddress()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 51);
        var launched = (await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = Topology.Ami, MinCount = 7, MaxCount = 7, SubnetId = net.SubnetId, InstanceType = InstanceType.T3Micro,
        })).Reservation.Instances;
        Assert.Equal(7, launched.Count);

        var all = new List<string>();
        var paginator = ec2.Paginators.DescribeInstances(new DescribeInstancesRequest
        {
            MaxResults = 5, Filters = [new Filter("subnet-id", [net.SubnetId])],
        });
        await foreach (var reservation in paginator.Reservations)
        {
            all.AddRange(reservation.Instances.Select(i => i.InstanceId));
        }

        Assert.Equal(launched.Select(i => i.InstanceId).Order(), all.Order());

        var one = launched[3];
        var byAddress = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("private-ip-address", [one.PrivateIpAddress])],
        });
        Assert.Equal([one.InstanceId], byAddress.Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));

        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [one.InstanceId] });
        var live = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("subnet-id", [net.SubnetId]), new Filter("instance-state-name", ["pending", "running"])],
        });
        var liveIds = live.Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId).ToList();
        Assert.Equal(6, liveIds.Count);
        Assert.DoesNotContain(one.InstanceId, liveIds);
    }

    [Fact]
    public async Task InterfaceFilters_SelectByAttachedInstanceAndBySecondaryAddress()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 52);
        var instance = await net.RunAsync(ec2);
        var spare = await net.CreateInterfaceAsync(ec2);
        var eth0 = instance.NetworkInterfaces.Single().NetworkInterfaceId;
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = eth0, PrivateIpAddresses = ["10.52.1.77"] });

        var attached = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("attachment.instance-id", [instance.InstanceId])],
        });
        var byAddress = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("addresses.private-ip-address", ["10.52.1.77"])],
        });
        var available = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("subnet-id", [net.SubnetId]), new Filter("status", ["available"])],
        });

        Assert.Equal([eth0], attached.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
        Assert.Equal([eth0], byAddress.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
        Assert.Equal([spare.NetworkInterfaceId], available.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
    }
}
