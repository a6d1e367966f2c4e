using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Tree;

/// <summary>network/interfaces/macs/ and every key under one MAC (IMDS.md, "Tree").</summary>
public sealed class InterfaceTreeTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task Macs_WithTwoInterfaces_ListsOneDirectoryPerMac()
    {
        var instance = await LaunchTwoInterfacesAsync();

        var macs = await Harness.MetadataAsync(instance.Address, "network/interfaces/macs/");

        Assert.Equal(2, instance.Interfaces.Count);
        Assert.Equal(instance.Interfaces.Select(n => n.Mac + "/").Order(), macs.Split('\n').Order());
    }

    [Fact]
    public async Task PerMacKeys_OfEachInterface_DescribeThatInterface()
    {
        var instance = await LaunchTwoInterfacesAsync();
        var network = instance.Network;

        foreach (var nic in instance.Interfaces)
        {
            var key = $"network/interfaces/macs/{nic.Mac}/";
            Assert.Equal(nic.DeviceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), await Harness.MetadataAsync(instance.Address, key + "device-number"));
            Assert.Equal(nic.NetworkInterfaceId, await Harness.MetadataAsync(instance.Address, key + "interface-id"));
            Assert.Equal(nic.Mac, await Harness.MetadataAsync(instance.Address, key + "mac"));
            Assert.Equal("123456789012", await Harness.MetadataAsync(instance.Address, key + "owner-id"));
            Assert.Equal(network.SubnetId, await Harness.MetadataAsync(instance.Address, key + "subnet-id"));
            Assert.Equal(network.SubnetCidr, await Harness.MetadataAsync(instance.Address, key + "subnet-ipv4-cidr-block"));
            Assert.Equal(network.VpcId, await Harness.MetadataAsync(instance.Address, key + "vpc-id"));
            Assert.Equal(network.VpcCidr, await Harness.MetadataAsync(instance.Address, key + "vpc-ipv4-cidr-block"));
            Assert.Equal(network.VpcCidr, await Harness.MetadataAsync(instance.Address, key + "vpc-ipv4-cidr-blocks"));
            Assert.Equal(string.Join('\n', await GroupIdsAsync(nic.NetworkInterfaceId)), await Harness.MetadataAsync(instance.Address, key + "security-group-ids"));
            Assert.Equal(
                $"ip-{nic.PrivateIp.Replace('.', '-')}.ec2.internal", await Harness.MetadataAsync(instance.Address, key + "local-hostname"));
        }
    }

    [Fact]
    public async Task LocalIpv4s_WithSecondaries_ListsPrimaryFirstLikeDescribe()
    {
        var instance = await LaunchTwoInterfacesAsync();
        var eth0 = instance.Eth0;

        var described = await Topology.DescribedAddressesAsync(Harness, eth0.NetworkInterfaceId);
        var local = await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{eth0.Mac}/local-ipv4s");

        Assert.Equal(3, described.Count);
        Assert.Equal(eth0.PrivateIp, local.Split('\n')[0]);
        Assert.Equal(described, local.Split('\n'));
        Assert.Equal(instance.Interfaces[1].PrivateIp, await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Interfaces[1].Mac}/local-ipv4s"));
    }

    [Fact]
    public async Task PerMacListing_WithoutPublicIpOrPrefix_NamesOnlyWhatExists()
    {
        var instance = await LaunchAsync();

        var listing = (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/")).Split('\n');

        foreach (var key in new[] { "device-number", "interface-id", "local-ipv4s", "mac", "owner-id", "security-group-ids", "subnet-id", "subnet-ipv4-cidr-block", "vpc-id", "vpc-ipv4-cidr-block", "vpc-ipv4-cidr-blocks" })
        {
            Assert.Contains(key, listing);
        }

        Assert.DoesNotContain("public-ipv4s", listing);
        Assert.DoesNotContain("ipv4-associations/", listing);
        Assert.DoesNotContain("ipv4-prefix", listing);
        Assert.DoesNotContain("network-card", listing);
    }

    [Fact]
    public async Task ElasticIp_OnceSeen_ShowsInPublicKeysAndAssociations()
    {
        var instance = await LaunchAsync();
        var eth0 = instance.Eth0;
        var publicIp = await Topology.AssociateElasticIpAsync(Harness, eth0.NetworkInterfaceId, eth0.PrivateIp);
        Propagate();
        var key = $"network/interfaces/macs/{eth0.Mac}/";

        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, key + "public-ipv4s"));
        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, key + "ipv4-associations/"));
        Assert.Equal(eth0.PrivateIp, await Harness.MetadataAsync(instance.Address, key + "ipv4-associations/" + publicIp));
        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, "public-ipv4"));
        Assert.Equal($"ec2-{publicIp.Replace('.', '-')}.compute-1.amazonaws.com", await Harness.MetadataAsync(instance.Address, "public-hostname"));
        Assert.Contains("public-ipv4", (await Harness.MetadataAsync(instance.Address, "")).Split('\n'));
        Assert.Contains("ipv4-associations/", (await Harness.MetadataAsync(instance.Address, key)).Split('\n'));
        var other = await Harness.GetImdsAsync(instance.Address, $"/latest/meta-data/{key}ipv4-associations/203.0.113.99");
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
    }

    [Fact]
    public async Task Ipv4Prefix_OfAnInterfaceWithAPrefix_ListsItAsSlash28()
    {
        var instance = await LaunchAsync(extra: network => new Dictionary<string, string>
        {
            ["NetworkInterface.1.DeviceIndex"] = "0",
            ["NetworkInterface.1.SubnetId"] = network.SubnetId,
            ["NetworkInterface.1.Ipv4PrefixCount"] = "1",
        });
        var described = await Harness.OkAsync("DescribeNetworkInterfaces", new Dictionary<string, string> { ["NetworkInterfaceId.1"] = instance.Eth0.NetworkInterfaceId });

        var prefix = await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/ipv4-prefix");

        Assert.Equal(HarnessFixture.Value(described, "ipv4Prefix"), prefix);
        Assert.EndsWith("/28", prefix);
        Assert.Contains("ipv4-prefix", (await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/")).Split('\n'));
    }

    [Fact]
    public async Task NetworkCard_OnAMultiCardType_IsTheCardIndex()
    {
        var instance = await LaunchAsync("c6in.32xlarge");

        Assert.Equal("0", await Harness.MetadataAsync(instance.Address, $"network/interfaces/macs/{instance.Eth0.Mac}/network-card"));
    }

    private Task<Instance> LaunchTwoInterfacesAsync() =>
        LaunchAsync(extra: network => new Dictionary<string, string>
        {
            ["NetworkInterface.1.DeviceIndex"] = "0",
            ["NetworkInterface.1.SubnetId"] = network.SubnetId,
            ["NetworkInterface.1.SecondaryPrivateIpAddressCount"] = "2",
            ["NetworkInterface.2.DeviceIndex"] = "1",
            ["NetworkInterface.2.SubnetId"] = network.SubnetId,
        });

    private async Task<List<string>> GroupIdsAsync(string networkInterfaceId)
    {
        var body = await Harness.OkAsync("DescribeNetworkInterfaces", new Dictionary<string, string> { ["NetworkInterfaceId.1"] = networkInterfaceId });
        var ids = body.Descendants(HarnessFixture.Ec2 + "groupId").Select(e => e.Value).ToList();
        Assert.NotEmpty(ids);
        return ids;
    }
}
