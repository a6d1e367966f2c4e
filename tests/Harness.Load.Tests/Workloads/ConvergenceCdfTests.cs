using Harness.Domain.Delays;
using Harness.Load.Reports;
using Harness.Load.Stats;
using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

public sealed class ConvergenceCdfTests
{
    [Theory]
    [InlineData("lognormal(median=2s,p99=20s)", 1.0)]
    [InlineData("lognormal(median=2s,p99=20s)", 0.0)]
    [InlineData("fixed(2s)", 1.0)]
    [InlineData("fixed(2s)", 0.0)]
    [InlineData("uniform(100ms,300ms)", 0.05)]
    public void Configured_OverTheSharedRange_IsMonotoneFromNearZeroToNearOne(string spec, double poll)
    {
        var model = DelaySpec.Parse(spec);
        var top = ConvergenceCdf.Top(model, poll, []);

        var line = Configured(model, poll, top);

        Assert.True(line.Count > 50);
        Assert.Equal(0, line[0].Ms);
        Assert.True(line[0].P < 0.01, $"starts at {line[0].P}");
        Assert.True(line[^1].P > 0.98, $"ends at {line[^1].P}");
        Assert.True(line[^1].Ms >= DelayDistribution.Quantile(model, 0.99)!.Value * 1000, "covers the model's p99");
        Assert.All(line.Zip(line.Skip(1)), pair =>
        {
            Assert.True(pair.Second.Ms > pair.First.Ms);
            Assert.True(pair.Second.P >= pair.First.P);
        });
        // Not the old constant line: the points take many values between the ends.
        Assert.True(line.Select(p => p.P).Distinct().Count() >= (spec.StartsWith("fixed", StringComparison.Ordinal) && poll == 0 ? 2 : 10));
    }

    [Fact]
    public void Configured_FixedWithAPollWait_RisesOverOneIntervalAfterTheDelay()
    {
        var model = DelaySpec.Parse("fixed(2s)");

        var line = Configured(model, 1, ConvergenceCdf.Top(model, 1, []));

        Assert.All(line.Where(p => p.Ms <= 2000), p => Assert.Equal(0, p.P));
        Assert.All(line.Where(p => p.Ms >= 3000), p => Assert.Equal(1, p.P, 3));
        Assert.Contains(line, p => p.P is > 0.3 and < 0.7 && p.Ms is > 2300 and < 2700);
    }

    [Fact]
    public void Observed_OneSample_IsAStepFromTheOriginToTheRangesEnd()
    {
        var line = ConvergenceCdf.Observed([0.78], 21);

        Assert.Equal([new CdfPoint(0, 0), new CdfPoint(780, 0), new CdfPoint(780, 1), new CdfPoint(21000, 1)], line);
    }

    [Fact]
    public void Observed_ManySamples_IsAMonotoneStaircaseOfAtMostAHundredSteps()
    {
        var random = new Random(3);
        var samples = Enumerable.Range(0, 5000).Select(_ => random.NextDouble() * 4).Order().ToArray();

        var line = ConvergenceCdf.Observed(samples, 4.2);

        Assert.InRange(line.Count, 100, 203);
        Assert.All(line.Zip(line.Skip(1)), pair =>
        {
            Assert.True(pair.Second.Ms >= pair.First.Ms);
            Assert.True(pair.Second.P >= pair.First.P);
        });
        Assert.Equal(1, line[^1].P);
        Assert.Equal(samples.Max() * 1000, line[^2].Ms, 3);
        // The median sample sits at p = 0.5 on the line.
        Assert.Equal(samples[2499] * 1000, line.First(p => p.P >= 0.5).Ms, 3);
    }

    [Fact]
    public void Observed_NoSamples_IsEmpty() => Assert.Empty(ConvergenceCdf.Observed([], 1));

    [Fact]
    public void Top_ASampleSlowerThanTheModelsBody_WidensTheRangeToIt()
    {
        var model = DelaySpec.Parse("fixed(2s)");

        Assert.InRange(ConvergenceCdf.Top(model, 1, []), 3, 3.5);
        Assert.InRange(ConvergenceCdf.Top(model, 1, [30]), 30, 32);
        Assert.InRange(ConvergenceCdf.Top(DelaySpec.Parse("never"), 0.5, [1.2]), 1.2, 1.3);
        Assert.True(ConvergenceCdf.Top(null, 0, []) > 0);
    }

    private static List<CdfPoint> Configured(DelayModel model, double poll, double top) =>
        ConvergenceCdf.Configured(ReportBuilder.WithPollWait(DelayDistribution.Cdf(model)!, poll), top);
}
