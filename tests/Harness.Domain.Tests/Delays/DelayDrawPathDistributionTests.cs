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

    [Theory]
    [MemberData(nameof(DistributionCases.Specs), MemberType = typeof(DistributionCases))]
    public void SampleFreshPerDraw_MatchesTheModelsCdf(string spec)
    {
        DistributionCases.AssertFits(spec, Draw(DelaySpec.Parse(spec)));
    }

    [Fact]
    public void StatisticFreshPerDraw_WrongMean_ExceedsTolerance()
    {
        // The same teeth on this path: a 10% error in the mean is caught.
        var d = KolmogorovSmirnov.Statistic(Draw(DelaySpec.Parse("exponential(mean=1s)")), x => Exponential.CDF(1 / 1.1, x));

        Assert.True(d > KolmogorovSmirnov.Tolerance, $"D = {d}");
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
