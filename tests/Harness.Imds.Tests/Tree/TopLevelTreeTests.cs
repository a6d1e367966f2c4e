using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Tree;

/// <summary>The top of /latest/meta-data/ and the keys directly under it (IMDS.md, "Tree").</summary>
public sealed class TopLevelTreeTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task MetaData_Listing_HasTheDocumentedKeysAsLfSeparatedNames()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("text/plain", reply.ContentType);
        Assert.DoesNotContain('\r', reply.Body);
        Assert.False(reply.Body.EndsWith('\n'), "a listing has no trailing newline");
        Assert.All(reply.Lines, line => Assert.NotEmpty(line));
        foreach (var key in new[] { "instance-id", "instance-type", "ami-id", "mac", "local-ipv4", "local-hostname", "placement/", "network/" })
        {
            Assert.Contains(key, reply.Lines);
        }

        Assert.DoesNotContain("public-ipv4", reply.Lines);
        Assert.DoesNotContain("placement", reply.Lines);
        Assert.DoesNotContain("network", reply.Lines);
    }

    [Fact]
    public async Task ScalarKeys_OfAnUsEast1Instance_AreItsIdentity()
    {
        var instance = await LaunchAsync();

        Assert.Equal("127.1.1.1", instance.Address);
        Assert.Equal(instance.InstanceId, await Harness.MetadataAsync(instance.Address, "instance-id"));
        Assert.Equal("m5.large", await Harness.MetadataAsync(instance.Address, "instance-type"));
        Assert.Equal(Topology.ImageId, await Harness.MetadataAsync(instance.Address, "ami-id"));
        Assert.Equal(instance.Eth0.Mac, await Harness.MetadataAsync(instance.Address, "mac"));
        Assert.Equal("10.0.1.4", instance.Eth0.PrivateIp);
        Assert.Equal("10.0.1.4", await Harness.MetadataAsync(instance.Address, "local-ipv4"));
        Assert.Equal("ip-10-0-1-4.ec2.internal", await Harness.MetadataAsync(instance.Address, "local-hostname"));
    }

    [Fact]
    public async Task LocalHostname_OutsideUsEast1_UsesRegionComputeInternal()
    {
        var instance = await LaunchAsync(region: "eu-west-1");

        Assert.Equal("ip-10-0-1-4.eu-west-1.compute.internal", await Harness.MetadataAsync(instance.Address, "local-hostname"));
        Assert.Equal("eu-west-1", await Harness.MetadataAsync(instance.Address, "placement/region"));
    }

    [Fact]
    public async Task Placement_ListsZoneAndRegion_AndAgreesWithDescribeInstances()
    {
        var instance = await LaunchAsync();
        var described = await Harness.OkAsync("DescribeInstances", new Dictionary<string, string> { ["InstanceId.1"] = instance.InstanceId });

        var listing = await Harness.MetadataAsync(instance.Address, "placement/");

        Assert.Contains("availability-zone", listing.Split('\n'));
        Assert.Contains("region", listing.Split('\n'));
        var zone = await Harness.MetadataAsync(instance.Address, "placement/availability-zone");
        Assert.Equal(HarnessFixture.Value(described, "availabilityZone"), zone);
        Assert.StartsWith("us-east-1", zone);
        Assert.Equal("us-east-1", await Harness.MetadataAsync(instance.Address, "placement/region"));
    }

    [Fact]
    public async Task Network_ListsInterfacesDirectory_ThenMacsDirectory()
    {
        var instance = await LaunchAsync();

        Assert.Equal("interfaces/", await Harness.MetadataAsync(instance.Address, "network/"));
        Assert.Equal("macs/", await Harness.MetadataAsync(instance.Address, "network/interfaces/"));
        Assert.Equal(instance.Eth0.Mac + "/", await Harness.MetadataAsync(instance.Address, "network/interfaces/macs/"));
    }

    [Fact]
    public async Task Roots_ListVersionsAndCategories()
    {
        var instance = await LaunchAsync();

        var versions = await Harness.GetImdsAsync(instance.Address, "/");
        var latest = await Harness.GetImdsAsync(instance.Address, "/latest/");
        var dated = await Harness.GetImdsAsync(instance.Address, "/2021-01-03/meta-data/instance-id");

        Assert.Contains("latest", versions.Lines);
        Assert.Contains("2021-01-03", versions.Lines);
        Assert.Equal("dynamic\nmeta-data", latest.Body);
        Assert.Equal(instance.InstanceId, dated.Body);
    }

    [Fact]
    public async Task EveryReply_SaysServerEc2ws()
    {
        var instance = await LaunchAsync();

        var found = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id");
        var missing = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/no-such-key");

        Assert.Equal("EC2ws", found.Server);
        Assert.Equal("EC2ws", missing.Server);
    }
}
