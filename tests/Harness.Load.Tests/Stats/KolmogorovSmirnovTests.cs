using Harness.Domain.Delays;
using Harness.Load.Stats;

namespace Harness.Load.Tests.Stats;

public sealed class KolmogorovSmirnovTests
{
    private static readonly Func<double, double> UnitUniform = x => Math.Clamp(x, 0, 1);

    [Fact]
    public void Distance_HandComputedSampleWithTie_MatchesHandValue()
    {
        // Sorted 0.1, 0.4, 0.4, 0.9 against U(0,1). F_n steps 0 → ¼ → ¾ → 1; the largest gap is at 0.4,
        // where F_n = ¾ and F = 0.4: D = 0.35. Counting the tie as two steps of ¼ would also give 0.35 here,
        // so the next test pins ties down against an atom.
        double[] samples = [0.9, 0.4, 0.1, 0.4];

        Assert.Equal(0.35, KolmogorovSmirnov.Distance(samples, UnitUniform), 1e-15);
    }

    [Fact]
    public void Distance_SamplesOnTheAtomOfAFixedModel_IsZero()
    {
        double[] samples = [1.5, 1.5, 1.5, 1.5];

        Assert.Equal(0, KolmogorovSmirnov.Distance(samples, DelayDistribution.Cdf(DelaySpec.Parse("fixed(1500ms)"))!));
    }

    [Fact]
    public void Distance_HalfOnTheAtomHalfBeyond_IsHalf()
    {
        // F jumps 0 → 1 at 1; F_n jumps 0 → ½ at 1 and ½ → 1 at 2: the gap is ½ on [1, 2).
        double[] samples = [2, 1, 2, 1];

        Assert.Equal(0.5, KolmogorovSmirnov.Distance(samples, DelayDistribution.Cdf(DelaySpec.Parse("fixed(1s)"))!));
    }

    [Fact]
    public void Distance_SingleSample_IsTheLargerSideOfItsStep()
    {
        // F_n jumps 0 → 1 at 0.3: max(|0 - 0.3|, |1 - 0.3|) = 0.7.
        Assert.Equal(0.7, KolmogorovSmirnov.Distance([0.3], UnitUniform), 1e-15);
    }

    [Fact]
    public void Distance_ShiftedSample_IsLarge()
    {
        var model = DelaySpec.Parse("lognormal(median=500ms,p99=3s)");
        var random = new SeededRandom(7);
        var samples = new double[20_000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = model.Sample(random)!.Value.TotalSeconds + 0.3;
        }

        Assert.True(KolmogorovSmirnov.Distance(samples, DelayDistribution.Cdf(model)!) > 0.1);
    }

    [Fact]
    public void Distance_NeverDrawsAsInfinity_CountAgainstTheFiniteMass()
    {
        var cdf = DelayDistribution.Cdf(DelaySpec.Parse("mix(0.5:never,0.5:fixed(1s))"))!;

        Assert.Equal(0, KolmogorovSmirnov.Distance([1, double.PositiveInfinity], cdf));
        Assert.Equal(0.5, KolmogorovSmirnov.Distance([1, 1], cdf));
    }

    [Fact]
    public void Distance_NoSamples_Throws()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Distance([], UnitUniform));
    }

    [Fact]
    public void Distance_NaNSample_Throws()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Distance([0.5, double.NaN], UnitUniform));
    }

    [Fact]
    public void CriticalValue_FivePercent_Is1358OverRootN()
    {
        Assert.Equal(1.358, KolmogorovSmirnov.CriticalValue(1), 1e-3);
        Assert.Equal(0.01358, KolmogorovSmirnov.CriticalValue(10_000), 1e-5);
        Assert.Equal(1.628, KolmogorovSmirnov.CriticalValue(1, 0.01), 1e-3);
    }
}
