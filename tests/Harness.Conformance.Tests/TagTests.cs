using Amazon.EC2;
using Amazon.EC2.Model;

namespace Harness.Conformance.Tests;

/// <summary>Tags given at launch (TagSpecifications), added and removed later, read back on resources and by DescribeTags.</summary>
public sealed class TagTests(SdkHarness harness) : IClassFixture<SdkHarness>
{
    [Fact]
    public async Task TagsGivenAtLaunchAndLater_ReadBackOnResourcesAndThroughFilters()
    {
        using var ec2 = harness.Client();
        var net = await Topology.CreateAsync(ec2, 40);
        var instance = await net.RunAsync(ec2, r => r.TagSpecifications =
        [
            new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("Name", "primary"), new Tag("role", "db")] },
        ]);
        Assert.Equal("primary", instance.Tags.Single(t => t.Key == "Name").Value);

        var eni = (await ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest
        {
            SubnetId = net.SubnetId,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.NetworkInterface, Tags = [new Tag("role", "floating")] }],
        })).NetworkInterface;
        Assert.Equal("floating", eni.TagSet.Single(t => t.Key == "role").Value);

        await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [eni.NetworkInterfaceId, net.VpcId], Tags = [new Tag("cluster", "c40")] });
        await ec2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [instance.InstanceId], Tags = [new Tag { Key = "role" }] });

        var described = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance.InstanceId] }))
            .Reservations.Single().Instances.Single();
        Assert.Equal(["Name=primary"], described.Tags.Select(t => $"{t.Key}={t.Value}"));
        var byTag = await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
        {
            Filters = [new Filter("tag:cluster", ["c40"])],
        });
        Assert.Equal([eni.NetworkInterfaceId], byTag.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("tag:cluster", ["c40"])] });
        Assert.Equal([net.VpcId], vpcs.Vpcs.Select(v => v.VpcId));

        var tags = await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["cluster"])] });
        Assert.Equal(
            new[] { (eni.NetworkInterfaceId, ResourceType.NetworkInterface.Value), (net.VpcId, ResourceType.Vpc.Value) }.Order(),
            tags.Tags.Select(t => (t.ResourceId, t.ResourceType.Value)).Order());
        Assert.All(tags.Tags, t => Assert.Equal("c40", t.Value));
    }
}
