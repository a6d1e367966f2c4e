using Harness.Domain.Delays;
using MathNet.Numerics.Distributions;

namespace Harness.Domain.Tests.Delays;

/// <summary>The continuous delay models and their exact CDFs (from MathNet, in seconds), for the Kolmogorov–Smirnov tests.</summary>
internal static class DistributionCases
{
    private static readonly Dictionary<string, Func<double, double>> Cdfs = new()
    {
        ["uniform(100ms,900ms)"] = x => ContinuousUniform.CDF(0.1, 0.9, x),

        // Mean ten standard deviations above zero: clamping at zero has probability ~1e-23 and cannot show.
        ["normal(mean=10s,stddev=1s)"] = x => Normal.CDF(10, 1, x),
        ["lognormal(median=800ms,p99=6s)"] = LogNormalCdf(0.8, 6),

        // The model the harness starts with.
        ["lognormal(median=2s,p99=20s)"] = LogNormalCdf(2, 20),
        ["exponential(mean=2s)"] = x => Exponential.CDF(0.5, x),
        ["pareto(scale=1s,shape=1.5)"] = x => Pareto.CDF(1, 1.5, x),

        // Only continuous parts: a fixed component is an atom, which would inflate D.
        ["mix(0.6:uniform(100ms,900ms),0.4:mix(0.5:lognormal(median=2s,p99=20s),0.5:exponential(mean=1s)))"] =
            x => (0.6 * ContinuousUniform.CDF(0.1, 0.9, x)) + (0.2 * LogNormalCdf(2, 20)(x)) + (0.2 * Exponential.CDF(1, x)),
    };

    public static TheoryData<string> Specs => [.. Cdfs.Keys];

    /// <summary>Asserts that <paramref name="samples"/> of <paramref name="spec"/> fit its CDF within the KS tolerance.</summary>
    public static void AssertFits(string spec, double[] samples)
    {
        var d = KolmogorovSmirnov.Statistic(samples, Cdfs[spec]);

        Assert.True(d < KolmogorovSmirnov.Tolerance, $"{spec}: D = {d}, tolerance {KolmogorovSmirnov.Tolerance}");
    }

    private static Func<double, double> LogNormalCdf(double median, double p99)
    {
        var mu = Math.Log(median);
        var sigma = (Math.Log(p99) - mu) / LogNormalDelay.Z99;
        return x => LogNormal.CDF(mu, sigma, x);
    }
}
