using Harness.Domain.Delays;
using MathNet.Numerics.Distributions;

namespace Harness.Domain.Tests.Delays;

/// <summary>
/// Each sampler against its exact CDF as the propagation scheduler draws it: a fresh generator per change, keyed by
/// (seed, instance id, draw index), so sample n is the first draw of <c>SeededRandom.For(seed, id, n)</c>. A keying whose
/// first outputs are correlated across indices passes <see cref="DelayDistributionTests"/> (one long stream) but fails here.
/// </summary>
public sealed class DelayDrawPathDistributionTests
{
    private const int Seed = 11;
    private const string InstanceId = "i-0123456789abcdef0";

    [Fact]
    public void SampleFreshPerDraw_Uniform_MatchesContinuousUniformCdf()
    {
        AssertFits("uniform(100ms,900ms)", x => ContinuousUniform.CDF(0.1, 0.9, x));
    }

    [Fact]
    public void SampleFreshPerDraw_Normal_MatchesNormalCdf()
    {
        // Ten standard deviations above zero: the clamp at zero cannot show.
        AssertFits("normal(mean=10s,stddev=1s)", x => Normal.CDF(10, 1, x));
    }

    [Fact]
    public void SampleFreshPerDraw_LogNormal_MatchesLogNormalCdf()
    {
        var model = (LogNormalDelay)DelaySpec.Parse("lognormal(median=800ms,p99=6s)");

        AssertFits(model, x => LogNormal.CDF(model.Mu, model.Sigma, x));
    }

    [Fact]
    public void SampleFreshPerDraw_DefaultLogNormal_MatchesLogNormalCdf()
    {
        // The model the harness starts with.
        var model = (LogNormalDelay)DelaySpec.Parse("lognormal(median=2s,p99=20s)");

        AssertFits(model, x => LogNormal.CDF(model.Mu, model.Sigma, x));
    }

    [Fact]
    public void SampleFreshPerDraw_Exponential_MatchesExponentialCdf()
    {
        AssertFits("exponential(mean=2s)", x => Exponential.CDF(0.5, x));
    }

    [Fact]
    public void SampleFreshPerDraw_Pareto_MatchesParetoCdf()
    {
        AssertFits("pareto(scale=1s,shape=1.5)", x => Pareto.CDF(1, 1.5, x));
    }

    [Fact]
    public void SampleFreshPerDraw_Mix_MatchesWeightedSumOfCdfs()
    {
        var mu = Math.Log(2);
        var sigma = (Math.Log(20) - mu) / LogNormalDelay.Z99;

        AssertFits(
            "mix(0.6:uniform(100ms,900ms),0.4:mix(0.5:lognormal(median=2s,p99=20s),0.5:exponential(mean=1s)))",
            x => (0.6 * ContinuousUniform.CDF(0.1, 0.9, x)) + (0.2 * LogNormal.CDF(mu, sigma, x)) + (0.2 * Exponential.CDF(1, x)));
    }

    [Fact]
    public void StatisticFreshPerDraw_WrongMean_ExceedsTolerance()
    {
        // The same teeth on this path: a 10% error in the mean is caught.
        var d = KolmogorovSmirnov.Statistic(Draw(DelaySpec.Parse("exponential(mean=1s)")), x => Exponential.CDF(1 / 1.1, x));

        Assert.True(d > KolmogorovSmirnov.Tolerance, $"D = {d}");
    }

    private static void AssertFits(string spec, Func<double, double> cdf) => AssertFits(DelaySpec.Parse(spec), cdf);

    private static void AssertFits(DelayModel model, Func<double, double> cdf)
    {
        var d = KolmogorovSmirnov.Statistic(Draw(model), cdf);

        Assert.True(d < KolmogorovSmirnov.Tolerance, $"{model}: D = {d}, tolerance {KolmogorovSmirnov.Tolerance}");
    }

    /// <summary>Sample n for n = 0 … <see cref="KolmogorovSmirnov.SampleCount"/> − 1, each from its own generator, as the scheduler draws.</summary>
    private static double[] Draw(DelayModel model)
    {
        var samples = new double[KolmogorovSmirnov.SampleCount];
        for (var n = 0; n < samples.Length; n++)
        {
            samples[n] = model.Sample(SeededRandom.For(Seed, InstanceId, n))!.Value.TotalSeconds;
        }

        return samples;
    }
}
