using Harness.Domain.Clouds;
using Harness.Domain.Net;

namespace Harness.Domain.Tests.Clouds;

public sealed class CloudRulesTests
{
    private static Ipv4Cidr Parse(string text) => Ipv4Cidr.TryParse(text, out var cidr) ? cidr : throw new FormatException(text);

    private static List<string> Reserved(CloudRules rules, string cidr)
    {
        var subnet = Parse(cidr);
        return [.. Enumerable.Range(0, (int)subnet.Size).Select(i => subnet.Network + (uint)i).Where(a => rules.IsReserved(subnet, a)).Select(Ipv4.Format)];
    }

    [Fact]
    public void IsReserved_AlibabaVSwitch_ReservesTheFirstAddressAndTheLastThree()
    {
        Assert.Equal(["192.168.1.0", "192.168.1.253", "192.168.1.254", "192.168.1.255"], Reserved(CloudRules.Alibaba, "192.168.1.0/24"));
        Assert.Equal(252, CloudRules.Alibaba.UsableCount(Parse("192.168.1.0/24")));
        Assert.Equal(4, CloudRules.Alibaba.UsableCount(Parse("10.0.0.0/29")));
        Assert.Equal(Parse("10.0.0.0/29").Network + 1, CloudRules.Alibaba.FirstUsable(Parse("10.0.0.0/29")));
        Assert.Equal(Parse("10.0.0.0/29").Network + 4, CloudRules.Alibaba.LastUsable(Parse("10.0.0.0/29")));
    }

    [Fact]
    public void IsReserved_AwsSubnet_KeepsEc2sFiveAsSubnetAddressingSays()
    {
        Assert.Equal(["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"], Reserved(CloudRules.Aws, "10.0.1.0/24"));
        Assert.Equal(SubnetAddressing.UsableCount(Parse("10.0.1.0/24")), CloudRules.Aws.UsableCount(Parse("10.0.1.0/24")));
    }

    [Fact]
    public void NewId_Alibaba_StartsWithTheRegionCodeAndIsTwentyLettersAndDigits()
    {
        var random = new Random(3);
        var eni = CloudRules.Alibaba.NewId("eni", "cn-hangzhou", random);
        var vSwitch = CloudRules.Alibaba.NewId("subnet", "cn-beijing", random);
        var eip = CloudRules.Alibaba.NewId("eipalloc", "cn-shanghai", random);
        Assert.Matches("^eni-bp[a-z0-9]{18}$", eni);
        Assert.Matches("^vsw-2ze[a-z0-9]{17}$", vSwitch);
        Assert.Matches("^eip-uf6[a-z0-9]{17}$", eip);
        Assert.True(AlibabaIds.IsWellFormed("eni", eni));
        Assert.False(AlibabaIds.IsWellFormed("eni", "eni-"));
        Assert.False(AlibabaIds.IsWellFormed("eni", "nic-bp1abc"));
        Assert.False(AlibabaIds.IsWellFormed("eni", "eni-bp1_abc"));
    }

    [Fact]
    public void NewId_SameSeed_SameIds()
    {
        Assert.Equal(CloudRules.Alibaba.NewId("i", "cn-hangzhou", new Random(9)), CloudRules.Alibaba.NewId("i", "cn-hangzhou", new Random(9)));
        Assert.Equal(Harness.Domain.Ids.ResourceIds.New("eni", new Random(9)), CloudRules.Aws.NewId("eni", "us-east-1", new Random(9)));
    }

    [Fact]
    public void NewMac_Alibaba_IsUnderItsOui()
    {
        var random = new Random(1);
        for (var i = 0; i < 50; i++)
        {
            Assert.Matches("^00:16:3e(:[0-9a-f]{2}){3}$", CloudRules.Alibaba.NewMac(random));
        }
    }

    [Fact]
    public void ZonesOf_NameZonesTheWayEachCloudDoes()
    {
        Assert.Equal(["us-east-1a", "us-east-1b", "us-east-1c"], CloudRules.Aws.ZonesOf("us-east-1"));
        Assert.Contains("cn-hangzhou-h", CloudRules.Alibaba.ZonesOf("cn-hangzhou"));
        Assert.All(CloudRules.Alibaba.ZonesOf("ap-southeast-1"), z => Assert.Matches("^ap-southeast-1-[a-z]$", z));
    }

    [Fact]
    public void Parse_TellsAlibabaRegionsFromEc2sWithTheSameName()
    {
        Assert.Equal((Cloud.Alibaba, "ap-southeast-1"), CloudRegions.Parse(CloudRegions.Qualify(Cloud.Alibaba, "ap-southeast-1")));
        Assert.Equal((Cloud.Aws, "ap-southeast-1"), CloudRegions.Parse(CloudRegions.Qualify(Cloud.Aws, "ap-southeast-1")));
        Assert.NotEqual(CloudRegions.Qualify(Cloud.Alibaba, "ap-southeast-1"), CloudRegions.Qualify(Cloud.Aws, "ap-southeast-1"));
    }
}
