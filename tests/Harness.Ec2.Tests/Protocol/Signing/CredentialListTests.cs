using Harness.Ec2.Protocol.Signing;

namespace Harness.Ec2.Tests.Protocol.Signing;

/// <summary><c>--credentials</c>: comma-separated KEY:SECRET pairs; <c>--credentials-file</c>: one per line.</summary>
public sealed class CredentialListTests
{
    [Fact]
    public void Pairs_AreSplitAtTheFirstColon()
    {
        Assert.True(CredentialList.TryParse(["AKID1:abc/def+g, AKID2:with:colon"], [], out var keys, out var error));

        Assert.Null(error);
        Assert.Equal("abc/def+g", keys["AKID1"]);
        Assert.Equal("with:colon", keys["AKID2"]);
    }

    [Fact]
    public void AFile_HoldsOnePairPerLine_CommentsAndBlanksSkipped()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# harness keys", "", "AKIDFILE:file-secret", "  AKIDTWO:two  "]);

            Assert.True(CredentialList.TryParse(["AKIDINLINE:inline"], [path], out var keys, out _));

            Assert.Equal(3, keys.Count);
            Assert.Equal("file-secret", keys["AKIDFILE"]);
            Assert.Equal("two", keys["AKIDTWO"]);
            Assert.Equal("inline", keys["AKIDINLINE"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(":secret", "':secret' is not KEY:SECRET")]
    [InlineData("AKID:", "'AKID:' is not KEY:SECRET")]
    [InlineData("AKIDVERYLONGNOSECRET", "'AKIDVERYLONG…' is not KEY:SECRET")]
    [InlineData(",", "no KEY:SECRET given")]
    public void BadEntries_AreRefused_WithoutEchoingASecretWhole(string spec, string expected)
    {
        Assert.False(CredentialList.TryParse([spec], [], out _, out var error));

        Assert.Equal(expected, error);
    }
}
