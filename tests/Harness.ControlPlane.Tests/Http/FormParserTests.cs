using Harness.ControlPlane.Http;

namespace Harness.ControlPlane.Tests.Http;

public sealed class FormParserTests
{
    [Fact]
    public void Parse_DecodesPercentAndPlus_AndLaterDuplicatesWin()
    {
        var values = new Dictionary<string, string>();

        FormParser.Parse("?Action=CreateTags&Tag.1.Key=a%20b%26c&Tag.1.Value=x%2By+z&Empty=&Flag&Action=DescribeTags", values);

        Assert.Equal("DescribeTags", values["Action"]);
        Assert.Equal("a b&c", values["Tag.1.Key"]);
        Assert.Equal("x+y z", values["Tag.1.Value"]);
        Assert.Equal("", values["Empty"]);
        Assert.Equal("", values["Flag"]);
    }

    [Fact]
    public void Parse_SkipsEmptyPairsAndKeys()
    {
        var values = new Dictionary<string, string>();

        FormParser.Parse("&&=orphan&A=1&", values);

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1" }, values);
    }
}
