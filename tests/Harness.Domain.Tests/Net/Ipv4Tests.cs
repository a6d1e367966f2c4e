using Harness.Domain.Net;

namespace Harness.Domain.Tests.Net;

public sealed class Ipv4Tests
{
    [Theory]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("10.0.0.1", 0x0A000001u)]
    [InlineData("192.168.1.254", 0xC0A801FEu)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("1.20.103.0", 0x01146700u)]
    public void TryParse_DottedQuad_ReturnsAddress(string text, uint expected)
    {
        Assert.True(Ipv4.TryParse(text, out var address));
        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.04")]
    [InlineData("10.00.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.256")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("1..2.3")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2 .3.4")]
    [InlineData("+1.2.3.4")]
    [InlineData("-1.2.3.4")]
    [InlineData("1.2.3.a")]
    [InlineData("1000.2.3.4")]
    [InlineData("1.2.3.4/32")]
    [InlineData("0x1.2.3.4")]
    [InlineData("１.2.3.4")]
    public void TryParse_NotAStrictDottedQuad_ReturnsFalse(string? text)
    {
        Assert.False(Ipv4.TryParse(text, out var address));
        Assert.Equal(0u, address);
    }

    [Theory]
    [InlineData(0u, "0.0.0.0")]
    [InlineData(0x0A000001u, "10.0.0.1")]
    [InlineData(0xFFFFFFFFu, "255.255.255.255")]
    [InlineData(0xAC1F0A05u, "172.31.10.5")]
    public void Format_Address_ReturnsDottedQuad(uint address, string expected)
    {
        Assert.Equal(expected, Ipv4.Format(address));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(0x0A00FF10u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    public void Format_ThenTryParse_RoundTrips(uint address)
    {
        Assert.True(Ipv4.TryParse(Ipv4.Format(address), out var parsed));
        Assert.Equal(address, parsed);
    }
}
