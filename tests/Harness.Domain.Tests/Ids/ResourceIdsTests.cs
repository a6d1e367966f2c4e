using System.Globalization;
using Harness.Domain.Ids;

namespace Harness.Domain.Tests.Ids;

public sealed class ResourceIdsTests
{
    [Theory]
    [InlineData("eni")]
    [InlineData("subnet")]
    [InlineData("eipalloc")]
    public void New_Prefix_IsPrefixDashSeventeenLowerHex(string prefix)
    {
        var id = ResourceIds.New(prefix, new Random(7));

        Assert.Matches($"^{prefix}-[0-9a-f]{{17}}$", id);
        Assert.True(ResourceIds.IsWellFormed(prefix, id));
    }

    [Fact]
    public void New_SameSeed_SameSequenceOfIds()
    {
        var first = new Random(42);
        var second = new Random(42);

        var a = Enumerable.Range(0, 20).Select(_ => ResourceIds.New("eni", first)).ToList();
        var b = Enumerable.Range(0, 20).Select(_ => ResourceIds.New("eni", second)).ToList();

        Assert.Equal(a, b);
        Assert.Equal(20, a.Distinct().Count());
    }

    [Fact]
    public void New_DifferentSeeds_DifferentIds()
    {
        Assert.NotEqual(ResourceIds.New("eni", new Random(1)), ResourceIds.New("eni", new Random(2)));
    }

    [Theory]
    [InlineData("eni", "eni-0123456789abcdef0", true)]
    [InlineData("eni", "eni-12345678", true)]
    [InlineData("eni", "eni-abcdef01", true)]
    [InlineData("eni", "eni-1234567", false)]
    [InlineData("eni", "eni-123456789", false)]
    [InlineData("eni", "eni-0123456789abcdef", false)]
    [InlineData("eni", "eni-0123456789abcdef01", false)]
    [InlineData("eni", "eni-0123456789ABCDEF0", false)]
    [InlineData("eni", "eni-0123456789abcdefg", false)]
    [InlineData("eni", "eni_0123456789abcdef0", false)]
    [InlineData("eni", "eni0123456789abcdef0", false)]
    [InlineData("eni", "i-0123456789abcdef0", false)]
    [InlineData("eni", "eni-", false)]
    [InlineData("eni", "eni", false)]
    [InlineData("eni", "", false)]
    [InlineData("eni", null, false)]
    [InlineData("eni", " eni-12345678", false)]
    [InlineData("eni", "eni-12345678 ", false)]
    [InlineData("i", "i-0123456789abcdef0", true)]
    [InlineData("eni-attach", "eni-attach-0123456789abcdef0", true)]
    [InlineData("eni", "eni-attach-0123456789abcdef0", false)]
    public void IsWellFormed_Id_MatchesEc2Shape(string prefix, string? id, bool expected)
    {
        Assert.Equal(expected, ResourceIds.IsWellFormed(prefix, id));
    }

    [Fact]
    public void NewMac_AnySeed_IsLocallyAdministeredUnicast()
    {
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var mac = ResourceIds.NewMac(random);

            Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", mac);
            var first = byte.Parse(mac[..2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.Equal(0x02, first & 0x02);
            Assert.Equal(0x00, first & 0x01);
        }
    }

    [Fact]
    public void NewMac_SameSeed_SameMac()
    {
        Assert.Equal(ResourceIds.NewMac(new Random(9)), ResourceIds.NewMac(new Random(9)));
    }
}
