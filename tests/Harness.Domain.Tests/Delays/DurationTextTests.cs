using Harness.Domain.Delays;

namespace Harness.Domain.Tests.Delays;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("1h", 3_600_000)]
    [InlineData("90m", 5_400_000)]
    [InlineData("30s", 30_000)]
    [InlineData("250ms", 250)]
    [InlineData("0s", 0)]
    public void TryParse_WholeNumberWithUnit_GivesTheDuration(string text, long milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("h")]
    [InlineData("1.5h")]
    [InlineData("-1h")]
    [InlineData("1d")]
    [InlineData("721h")]
    [InlineData("99999999999999999999s")]
    public void TryParse_AnythingElse_Refuses(string text) => Assert.False(DurationText.TryParse(text, out _));
}
