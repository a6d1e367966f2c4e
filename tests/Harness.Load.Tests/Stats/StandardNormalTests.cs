using Harness.Load.Stats;

namespace Harness.Load.Tests.Stats;

public sealed class StandardNormalTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.3, 0.67137324054087258)]
    [InlineData(0.5, 0.47950012218695346)]
    [InlineData(1, 0.15729920705028513)]
    [InlineData(3, 2.2090496998585441e-05)]
    [InlineData(6, 2.1519736712498913e-17)]
    [InlineData(-1, 1.8427007929497149)]
    public void Erfc_KnownPoint_MatchesToDoublePrecision(double x, double expected)
    {
        Assert.Equal(expected, StandardNormal.Erfc(x), expected * 1e-14);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-10)]
    [InlineData(0.01)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999999)]
    public void Quantile_OfCdf_RoundTrips(double p)
    {
        Assert.Equal(p, StandardNormal.Cdf(StandardNormal.Quantile(p)), p * 1e-13);
    }

    [Fact]
    public void Quantile_NinetyNinthPercentile_IsZ99()
    {
        Assert.Equal(2.3263478740408408, StandardNormal.Quantile(0.99), 1e-14);
    }
}
