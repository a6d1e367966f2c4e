using Harness.Domain.Delays;
using MathNet.Numerics.Distributions;

namespace Harness.Domain.Tests.Delays;

/// <summary>Each sampler against its exact CDF (from MathNet) with a one-sample Kolmogorov–Smirnov test, in seconds.</summary>
public sealed class DelayDistributionTests
{
    private const ulong Seed = 20240611;

    [Theory]
    [MemberData(nameof(DistributionCases.Specs), MemberType = typeof(DistributionCases))]
    public void Sample_OneStream_MatchesTheModelsCdf(string spec)
    {
        DistributionCases.AssertFits(spec, Draw(DelaySpec.Parse(spec), KolmogorovSmirnov.SampleCount));
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
