using Harness.Domain.Net;

namespace Harness.Domain.Tests.Net;

public sealed class SubnetAddressingTests
{
    [Fact]
    public void IsReserved_SlashTwentyFour_ReservesNetworkThreeAfterAndBroadcast()
    {
        var subnet = Parse("10.0.1.0/24");

        var reserved = Enumerable.Range(0, 256).Select(i => subnet.Network + (uint)i).Where(a => SubnetAddressing.IsReserved(subnet, a));

        Assert.Equal(new[] { "10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255" }, reserved.Select(Ipv4.Format));
    }

    [Fact]
    public void IsReserved_SlashTwentyEight_ReservesNetworkThreeAfterAndBroadcast()
    {
        var subnet = Parse("10.0.1.32/28");

        var reserved = Enumerable.Range(0, 16).Select(i => subnet.Network + (uint)i).Where(a => SubnetAddressing.IsReserved(subnet, a));

        Assert.Equal(new[] { "10.0.1.32", "10.0.1.33", "10.0.1.34", "10.0.1.35", "10.0.1.47" }, reserved.Select(Ipv4.Format));
    }

    [Theory]
    [InlineData("10.0.1.4")]
    [InlineData("10.0.1.254")]
    [InlineData("10.0.1.128")]
    public void IsReserved_UsableAddress_ReturnsFalse(string address)
    {
        Assert.True(Ipv4.TryParse(address, out var ip));
        Assert.False(SubnetAddressing.IsReserved(Parse("10.0.1.0/24"), ip));
    }

    [Theory]
    [InlineData("10.0.0.0/16", 65531)]
    [InlineData("10.0.1.0/24", 251)]
    [InlineData("10.0.1.0/25", 123)]
    [InlineData("10.0.1.0/27", 27)]
    [InlineData("10.0.1.0/28", 11)]
    public void UsableCount_Subnet_IsSizeMinusFive(string text, long expected)
    {
        var subnet = Parse(text);

        Assert.Equal(expected, SubnetAddressing.UsableCount(subnet));
        Assert.Equal((1L << (32 - subnet.PrefixLength)) - 5, SubnetAddressing.UsableCount(subnet));
    }

    private static Ipv4Cidr Parse(string text)
    {
        Assert.True(Ipv4Cidr.TryParse(text, out var cidr), text);
        return cidr;
    }
}
