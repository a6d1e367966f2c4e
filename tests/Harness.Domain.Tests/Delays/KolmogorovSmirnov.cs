namespace Harness.Domain.Tests.Delays;

/// <summary>The one-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical and the exact CDF.</summary>
internal static class KolmogorovSmirnov
{
    /// <summary>
    /// Holds for every continuous model here at n = 20,000: the 1% critical value is about 1.63/√n ≈ 0.0115,
    /// so a correct sampler stays well below this while a wrong mean, shape or weight goes well above it.
    /// </summary>
    public const double Tolerance = 0.015;

    public const int SampleCount = 20_000;

    /// <remarks>Assumes <paramref name="cdf"/> is continuous; an atom (such as a fixed component) would inflate D.</remarks>
    public static double Statistic(IEnumerable<double> samples, Func<double, double> cdf)
    {
        var sorted = samples.Order().ToArray();
        var n = (double)sorted.Length;
        var d = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(f - (i / n), ((i + 1) / n) - f));
        }

        return d;
    }
}
