using Harness.Domain.Delays;
using MathNet.Numerics.Distributions;

namespace Harness.Domain.Tests.Delays;

/// <summary>Each sampler against its exact CDF (from MathNet) with a one-sample Kolmogorov–Smirnov test, in seconds.</summary>
public sealed class DelayDistributionTests
{
    private const ulong Seed = 20240611;

    [Fact]
    public void Sample_Uniform_MatchesContinuousUniformCdf()
    {
        AssertFits("uniform(100ms,900ms)", x => ContinuousUniform.CDF(0.1, 0.9, x));
    }

    [Fact]
    public void Sample_Normal_MatchesNormalCdf()
    {
        // Mean 10 standard deviations above zero: clamping at zero has probability ~1e-23 and cannot show.
        AssertFits("normal(mean=10s,stddev=1s)", x => Normal.CDF(10, 1, x));
    }

    [Fact]
    public void Sample_LogNormal_MatchesLogNormalCdf()
    {
        var model = (LogNormalDelay)DelaySpec.Parse("lognormal(median=800ms,p99=6s)");

        AssertFits(model, x => LogNormal.CDF(model.Mu, model.Sigma, x));
    }

    [Fact]
    public void Sample_Exponential_MatchesExponentialCdf()
    {
        AssertFits("exponential(mean=2s)", x => Exponential.CDF(0.5, x));
    }

    [Fact]
    public void Sample_Pareto_MatchesParetoCdf()
    {
        AssertFits("pareto(scale=1s,shape=1.5)", x => Pareto.CDF(1, 1.5, x));
    }

    [Fact]
    public void Sample_Mix_MatchesWeightedSumOfCdfs()
    {
        var mu = Math.Log(2);
        var sigma = (Math.Log(20) - mu) / LogNormalDelay.Z99;

        AssertFits(
            "mix(0.6:uniform(100ms,900ms),0.4:mix(0.5:lognormal(median=2s,p99=20s),0.5:exponential(mean=1s)))",
            x => (0.6 * ContinuousUniform.CDF(0.1, 0.9, x)) + (0.2 * LogNormal.CDF(mu, sigma, x)) + (0.2 * Exponential.CDF(1, x)));
    }

    [Fact]
    public void Statistic_WrongMean_ExceedsTolerance()
    {
        // The test has teeth: a 10% error in the mean is caught.
        var d = KolmogorovSmirnov.Statistic(Draw(DelaySpec.Parse("exponential(mean=1s)"), KolmogorovSmirnov.SampleCount), x => Exponential.CDF(1 / 1.1, x));

        Assert.True(d > KolmogorovSmirnov.Tolerance, $"D = {d}");
    }

    [Fact]
    public void Sample_LogNormal_MedianAndP99WithinThreePercent()
    {
        // 200,000 draws: at 20,000 the standard error of the sample p99 alone is ~2.3%, too close to the 3% bound.
        var sorted = Draw(DelaySpec.Parse("lognormal(median=800ms,p99=6s)"), 200_000).Order().ToArray();

        Assert.InRange(Quantile(sorted, 0.5), 0.8 * 0.97, 0.8 * 1.03);
        Assert.InRange(Quantile(sorted, 0.99), 6 * 0.97, 6 * 1.03);
    }

    private static void AssertFits(string spec, Func<double, double> cdf) => AssertFits(DelaySpec.Parse(spec), cdf);

    private static void AssertFits(DelayModel model, Func<double, double> cdf)
    {
        var d = KolmogorovSmirnov.Statistic(Draw(model, KolmogorovSmirnov.SampleCount), cdf);

        Assert.True(d < KolmogorovSmirnov.Tolerance, $"{model}: D = {d}, tolerance {KolmogorovSmirnov.Tolerance}");
    }

    private static double[] Draw(DelayModel model, int count)
    {
        var random = new SeededRandom(Seed);
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = model.Sample(random)!.Value.TotalSeconds;
        }

        return samples;
    }

    private static double Quantile(double[] sorted, double p) => sorted[(int)Math.Floor(p * (sorted.Length - 1))];
}
