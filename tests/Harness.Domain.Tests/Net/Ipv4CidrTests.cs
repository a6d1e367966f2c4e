using Harness.Domain.Net;

namespace Harness.Domain.Tests.Net;

public sealed class Ipv4CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/16", 0x0A000000u, 16)]
    [InlineData("10.0.1.0/24", 0x0A000100u, 24)]
    [InlineData("10.0.1.16/28", 0x0A000110u, 28)]
    [InlineData("10.0.1.7/32", 0x0A000107u, 32)]
    [InlineData("0.0.0.0/0", 0u, 0)]
    public void TryParse_AlignedBlock_ReturnsCidr(string text, uint network, int length)
    {
        Assert.True(Ipv4Cidr.TryParse(text, out var cidr, out var error));
        Assert.Equal(CidrParseError.None, error);
        Assert.Equal(network, cidr.Network);
        Assert.Equal(length, cidr.PrefixLength);
    }

    [Theory]
    [InlineData("10.0.0.1/16")]
    [InlineData("10.0.1.8/28")]
    [InlineData("11.0.0.0/7")]
    [InlineData("1.0.0.0/0")]
    public void TryParse_HostBitsSet_ReportsHostBitsSet(string text)
    {
        Assert.False(Ipv4Cidr.TryParse(text, out _, out var error));
        Assert.Equal(CidrParseError.HostBitsSet, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("10.0.0.0/8 ")]
    [InlineData("10.0.0.0/100")]
    [InlineData("010.0.0.0/8")]
    [InlineData("10.0.0/8")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("/8")]
    public void TryParse_Malformed_ReportsMalformed(string? text)
    {
        Assert.False(Ipv4Cidr.TryParse(text, out var cidr, out var error));
        Assert.Equal(CidrParseError.Malformed, error);
        Assert.Equal(default, cidr);
    }

    [Theory]
    [InlineData("10.0.0.0/16")]
    [InlineData("10.0.1.16/28")]
    [InlineData("192.168.0.0/24")]
    [InlineData("0.0.0.0/0")]
    [InlineData("255.255.255.255/32")]
    public void ToString_ParsedCidr_RoundTrips(string text)
    {
        Assert.True(Ipv4Cidr.TryParse(text, out var cidr));
        Assert.Equal(text, cidr.ToString());
    }

    [Fact]
    public void Size_SlashTwentyFour_FirstLastAndSize()
    {
        var cidr = Parse("10.0.1.0/24");

        Assert.Equal(256, cidr.Size);
        Assert.Equal(0x0A000100u, cidr.First);
        Assert.Equal(0x0A0001FFu, cidr.Last);
    }

    [Theory]
    [InlineData("10.0.1.0/24", "10.0.1.0", true)]
    [InlineData("10.0.1.0/24", "10.0.1.255", true)]
    [InlineData("10.0.1.0/24", "10.0.1.128", true)]
    [InlineData("10.0.1.0/24", "10.0.0.255", false)]
    [InlineData("10.0.1.0/24", "10.0.2.0", false)]
    [InlineData("0.0.0.0/0", "255.255.255.255", true)]
    [InlineData("10.0.1.7/32", "10.0.1.7", true)]
    [InlineData("10.0.1.7/32", "10.0.1.8", false)]
    public void Contains_Address_MatchesBlock(string block, string address, bool expected)
    {
        Assert.True(Ipv4.TryParse(address, out var ip));
        Assert.Equal(expected, Parse(block).Contains(ip));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.1.0/24", true)]
    [InlineData("10.0.0.0/16", "10.0.0.0/16", true)]
    [InlineData("10.0.1.0/24", "10.0.0.0/16", false)]
    [InlineData("10.0.0.0/16", "10.1.0.0/24", false)]
    [InlineData("10.0.1.0/24", "10.0.1.240/28", true)]
    public void Contains_Block_TrueOnlyForSubBlocks(string outer, string inner, bool expected)
    {
        Assert.Equal(expected, Parse(outer).Contains(Parse(inner)));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.1.0/24", true)]
    [InlineData("10.0.1.0/24", "10.0.0.0/16", true)]
    [InlineData("10.0.1.0/24", "10.0.1.0/24", true)]
    [InlineData("10.0.1.0/24", "10.0.2.0/24", false)]
    [InlineData("10.0.1.0/28", "10.0.1.16/28", false)]
    [InlineData("10.0.1.0/25", "10.0.1.128/25", false)]
    [InlineData("10.0.1.0/25", "10.0.1.64/26", true)]
    [InlineData("0.0.0.0/0", "192.168.0.0/16", true)]
    public void Overlaps_TwoBlocks_IsSymmetricAndCorrect(string a, string b, bool expected)
    {
        Assert.Equal(expected, Parse(a).Overlaps(Parse(b)));
        Assert.Equal(expected, Parse(b).Overlaps(Parse(a)));
    }

    private static Ipv4Cidr Parse(string text)
    {
        Assert.True(Ipv4Cidr.TryParse(text, out var cidr), text);
        return cidr;
    }
}
