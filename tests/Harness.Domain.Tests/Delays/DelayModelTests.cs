using Harness.Domain.Delays;

namespace Harness.Domain.Tests.Delays;

public sealed class DelayModelTests
{
    [Fact]
    public void Sample_Fixed_ReturnsExactValue()
    {
        var model = DelaySpec.Parse("fixed(1500ms)");
        var random = new SeededRandom(1);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(1500), model.Sample(random));
        }
    }

    [Fact]
    public void Sample_Never_ReturnsNull()
    {
        var model = DelaySpec.Parse("never");

        Assert.Same(NeverDelay.Instance, model);
        Assert.True(model.CanBeNever);
        Assert.Null(model.Sample(new SeededRandom(1)));
    }

    [Theory]
    [InlineData("never", true)]
    [InlineData("mix(0.5:never,0.5:fixed(1s))", true)]
    [InlineData("mix(0.5:fixed(2s),0.5:mix(0.1:never,0.9:fixed(1s)))", true)]
    [InlineData("mix(0.5:fixed(2s),0.5:fixed(1s))", false)]
    [InlineData("fixed(1s)", false)]
    [InlineData("pareto(scale=1s,shape=1.5)", false)]
    public void CanBeNever_Spec_TrueOnlyWhenNeverReachable(string spec, bool expected)
    {
        Assert.Equal(expected, DelaySpec.Parse(spec).CanBeNever);
    }

    [Fact]
    public void Sample_MixWithNever_ReturnsBothNullAndValuesByWeight()
    {
        var model = DelaySpec.Parse("mix(0.25:never,0.75:fixed(1s))");
        var random = new SeededRandom(3);

        var nulls = Enumerable.Range(0, 10_000).Count(_ => model.Sample(random) is null);

        Assert.InRange(nulls, 2300, 2700);
    }

    [Theory]
    [InlineData("uniform(100ms,900ms)")]
    [InlineData("normal(mean=1s,stddev=200ms)")]
    [InlineData("lognormal(median=800ms,p99=6s)")]
    [InlineData("exponential(mean=1s)")]
    [InlineData("pareto(scale=1s,shape=1.5)")]
    [InlineData("mix(0.9:fixed(1s),0.1:uniform(10s,30s))")]
    public void Sample_SameSeed_SameSequence(string spec)
    {
        var model = DelaySpec.Parse(spec);
        var first = new SeededRandom(99);
        var second = new SeededRandom(99);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(model.Sample(first), model.Sample(second));
        }
    }

    [Fact]
    public void Sample_NormalNearZero_NeverNegativeAndClampsToZero()
    {
        var model = DelaySpec.Parse("normal(mean=100ms,stddev=1s)");
        var random = new SeededRandom(5);

        var samples = Enumerable.Range(0, 10_000).Select(_ => model.Sample(random)!.Value).ToArray();

        Assert.All(samples, s => Assert.True(s >= TimeSpan.Zero, s.ToString()));
        Assert.Contains(TimeSpan.Zero, samples);
    }

    [Fact]
    public void Sample_HeavyTail_CappedAtMaxDuration()
    {
        var model = DelaySpec.Parse("pareto(scale=1m,shape=0.1)");
        var random = new SeededRandom(5);

        var samples = Enumerable.Range(0, 1000).Select(_ => model.Sample(random)!.Value).ToArray();

        Assert.All(samples, s => Assert.InRange(s, TimeSpan.FromMinutes(1), DelayModel.MaxDuration));
        Assert.Contains(DelayModel.MaxDuration, samples);
    }

    [Fact]
    public void Sample_Uniform_StaysWithinBounds()
    {
        var model = DelaySpec.Parse("uniform(100ms,900ms)");
        var random = new SeededRandom(8);

        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(model.Sample(random)!.Value, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(900));
        }
    }

    [Fact]
    public void Constructors_InvalidArguments_Throw()
    {
        var second = TimeSpan.FromSeconds(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedDelay(TimeSpan.FromHours(25)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedDelay(-second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniformDelay(2 * second, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogNormalDelay(second, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogNormalDelay(TimeSpan.Zero, second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDelay(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParetoDelay(second, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParetoDelay(second, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParetoDelay(TimeSpan.Zero, 1));
        Assert.Throws<ArgumentException>(() => new MixDelay([]));
        Assert.Throws<ArgumentException>(() => new MixDelay([new WeightedDelay(0.5, new FixedDelay(second))]));
        Assert.Throws<ArgumentException>(() => new MixDelay([new WeightedDelay(0, new FixedDelay(second)), new WeightedDelay(1, NeverDelay.Instance)]));
    }

    [Fact]
    public void ToString_ConstructedModel_IsCanonicalSpec()
    {
        var model = new MixDelay(
        [
            new WeightedDelay(0.9, new FixedDelay(TimeSpan.FromSeconds(1))),
            new WeightedDelay(0.1, new UniformDelay(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30))),
        ]);

        Assert.Equal("mix(0.9:fixed(1s),0.1:uniform(10s,30s))", model.ToString());
    }
}
