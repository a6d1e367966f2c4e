using Harness.Domain.Delays;
using Harness.Load.Stats;

namespace Harness.Load.Tests.Stats;

public sealed class DelayDistributionTests
{
    private const int SampleCount = 200_000;
    private const double MaxSeconds = 86_400;

    public static TheoryData<string> Specs =>
    [
        "fixed(1500ms)",
        "uniform(100ms,900ms)",
        "uniform(1s,1s)",
        "normal(mean=1s,stddev=200ms)",

        // A third of the draws are negative and clamped: a point mass at 0.
        "normal(mean=100ms,stddev=200ms)",
        "normal(mean=1s,stddev=0ms)",
        "lognormal(median=500ms,p99=3s)",

        // The top 1% is capped at 24h: a point mass at MaxDuration.
        "lognormal(median=60m,p99=1440m)",
        "exponential(mean=2s)",
        "exponential(mean=600m)",
        "pareto(scale=1s,shape=1.5)",

        // A fifth of the draws are beyond 24h and capped.
        "pareto(scale=60m,shape=0.5)",
        "never",
        "mix(0.9:fixed(1s),0.1:uniform(10s,30s))",
        "mix(0.25:never,0.75:lognormal(median=2s,p99=20s))",
        "mix(0.6:uniform(100ms,900ms),0.4:mix(0.5:normal(mean=100ms,stddev=1s),0.3:exponential(mean=1s),0.2:never))",
    ];

    [Theory]
    [MemberData(nameof(Specs))]
    public void Cdf_SamplesOfEachModel_KsDistanceBelowOnePercent(string spec)
    {
        var model = DelaySpec.Parse(spec);
        var random = new SeededRandom(20240611);
        var samples = new double[SampleCount];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = model.Sample(random)?.TotalSeconds ?? double.PositiveInfinity;
        }

        var d = KolmogorovSmirnov.Distance(samples, DelayDistribution.Cdf(model)!);

        Assert.True(d < 0.01, $"{spec}: D = {d}");
    }

    [Theory]
    [InlineData("uniform(100ms,900ms)", 0.37)]
    [InlineData("normal(mean=1s,stddev=200ms)", 0.55)]
    [InlineData("normal(mean=100ms,stddev=200ms)", 0.3)]
    [InlineData("lognormal(median=500ms,p99=3s)", 0.01)]
    [InlineData("lognormal(median=500ms,p99=3s)", 2.5)]
    [InlineData("lognormal(median=60m,p99=1440m)", 80_000)]
    [InlineData("exponential(mean=2s)", 1e-6)]
    [InlineData("exponential(mean=2s)", 17)]
    [InlineData("pareto(scale=1s,shape=1.5)", 1.25)]
    [InlineData("pareto(scale=1s,shape=1.5)", 300)]
    [InlineData("mix(0.9:fixed(1s),0.1:uniform(10s,30s))", 12.5)]
    [InlineData("mix(0.25:never,0.75:lognormal(median=2s,p99=20s))", 3)]
    [InlineData("mix(0.6:uniform(100ms,900ms),0.4:mix(0.5:normal(mean=100ms,stddev=1s),0.5:exponential(mean=1s)))", 0.4)]
    [InlineData("mix(0.6:uniform(100ms,900ms),0.4:mix(0.5:normal(mean=100ms,stddev=1s),0.5:exponential(mean=1s)))", 2.2)]
    public void Quantile_OfCdf_RoundTrips(string spec, double x)
    {
        var model = DelaySpec.Parse(spec);

        var back = DelayDistribution.Quantile(model, DelayDistribution.Cdf(model)!(x));

        Assert.NotNull(back);
        Assert.Equal(x, back.Value, x * 1e-9);
    }

    [Fact]
    public void Cdf_LogNormal_MedianIsHalfAndP99Is099()
    {
        var cdf = DelayDistribution.Cdf(DelaySpec.Parse("lognormal(median=500ms,p99=3s)"))!;

        Assert.Equal(0.5, cdf(0.5), 1e-12);
        Assert.Equal(0.99, cdf(3), 1e-12);
    }

    [Fact]
    public void Cdf_Uniform_MidpointIsHalf()
    {
        var cdf = DelayDistribution.Cdf(DelaySpec.Parse("uniform(100ms,900ms)"))!;

        Assert.Equal(0.5, cdf(0.5), 1e-12);
        Assert.Equal(0, cdf(0.1));
        Assert.Equal(1, cdf(0.9));
    }

    [Fact]
    public void Cdf_Normal_MeanIsHalf()
    {
        Assert.Equal(0.5, DelayDistribution.Cdf(DelaySpec.Parse("normal(mean=1s,stddev=200ms)"))!(1), 1e-15);
    }

    [Fact]
    public void Cdf_NormalNearZero_JumpsAtZeroByTheClampedMass()
    {
        var cdf = DelayDistribution.Cdf(DelaySpec.Parse("normal(mean=100ms,stddev=200ms)"))!;

        // Φ(-0.5): every negative draw becomes exactly 0.
        Assert.Equal(0, cdf(-1e-9));
        Assert.Equal(0.3085375387259869, cdf(0), 1e-15);
    }

    [Theory]
    [InlineData("lognormal(median=60m,p99=1440m)", 0.01)]
    [InlineData("exponential(mean=600m)", 0.090717953289412503)]
    [InlineData("pareto(scale=60m,shape=0.5)", 0.20412414523193151)]
    public void Cdf_UnboundedModel_PilesTheTailAtMaxDuration(string spec, double tail)
    {
        var cdf = DelayDistribution.Cdf(DelaySpec.Parse(spec))!;

        Assert.Equal(1 - tail, cdf(double.BitDecrement(MaxSeconds)), 1e-12);
        Assert.Equal(1, cdf(MaxSeconds));
    }

    [Fact]
    public void Cdf_MixWithNever_TendsToTheFiniteMassAndIsOneAtInfinity()
    {
        var cdf = DelayDistribution.Cdf(DelaySpec.Parse("mix(0.25:never,0.75:fixed(1s))"))!;

        Assert.Equal(0.75, cdf(1));
        Assert.Equal(0.75, cdf(double.MaxValue));
        Assert.Equal(1, cdf(double.PositiveInfinity));
    }

    [Theory]
    [InlineData("exponential(mean=2s)", 0.5, 1.3862943611198906)]
    [InlineData("pareto(scale=1s,shape=1.5)", 0.5, 1.5874010519681995)]
    [InlineData("lognormal(median=500ms,p99=3s)", 0.99, 3)]
    [InlineData("normal(mean=1s,stddev=200ms)", 0.975, 1.3919927969080108)]
    [InlineData("normal(mean=100ms,stddev=200ms)", 0.2, 0)]
    [InlineData("uniform(100ms,900ms)", 0.25, 0.3)]
    [InlineData("fixed(1500ms)", 0.7, 1.5)]
    [InlineData("pareto(scale=1s,shape=1.5)", 0, 1)]
    [InlineData("pareto(scale=1s,shape=1.5)", 1, MaxSeconds)]
    [InlineData("mix(0.5:uniform(0ms,1s),0.5:uniform(2s,3s))", 0.25, 0.5)]
    [InlineData("mix(0.5:uniform(0ms,1s),0.5:uniform(2s,3s))", 0.5, 1)]
    [InlineData("mix(0.5:uniform(0ms,1s),0.5:uniform(2s,3s))", 0.75, 2.5)]
    [InlineData("mix(0.5:fixed(2s),0.5:uniform(1s,3s))", 0, 1)]
    [InlineData("mix(0.25:never,0.75:fixed(1s))", 0.75, 1)]
    public void Quantile_KnownModel_ReturnsKnownValue(string spec, double p, double expected)
    {
        var quantile = DelayDistribution.Quantile(DelaySpec.Parse(spec), p);

        Assert.NotNull(quantile);
        Assert.Equal(expected, quantile.Value, 1e-12);
    }

    [Theory]
    [InlineData("never", 0)]
    [InlineData("never", 0.5)]
    [InlineData("mix(0.25:never,0.75:fixed(1s))", 0.8)]
    [InlineData("mix(0.5:fixed(2s),0.5:mix(0.1:never,0.9:fixed(1s)))", 0.96)]
    public void Quantile_BeyondTheFiniteMass_ReturnsNull(string spec, double p)
    {
        Assert.Null(DelayDistribution.Quantile(DelaySpec.Parse(spec), p));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Quantile_ProbabilityOutOfRange_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DelayDistribution.Quantile(DelaySpec.Parse("fixed(1s)"), p));
    }
}
