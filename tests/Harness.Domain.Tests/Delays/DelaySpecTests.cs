using Harness.Domain.Delays;

namespace Harness.Domain.Tests.Delays;

public sealed class DelaySpecTests
{
    [Theory]
    [InlineData("fixed(1500ms)")]
    [InlineData("fixed(0ms)")]
    [InlineData("fixed(0.0001ms)")]
    [InlineData("fixed(2s)")]
    [InlineData("fixed(1m)")]
    [InlineData("fixed(1440m)")]
    [InlineData("uniform(100ms,900ms)")]
    [InlineData("uniform(1s,1s)")]
    [InlineData("normal(mean=1s,stddev=200ms)")]
    [InlineData("normal(mean=1s,stddev=0ms)")]
    [InlineData("lognormal(median=800ms,p99=6s)")]
    [InlineData("exponential(mean=1s)")]
    [InlineData("pareto(scale=1s,shape=1.5)")]
    [InlineData("pareto(scale=250ms,shape=0.000001)")]
    [InlineData("mix(0.9:fixed(1s),0.1:uniform(10s,30s))")]
    [InlineData("mix(1:never)")]
    [InlineData("mix(0.0000000001:never,0.9999999999:fixed(1s))")]
    [InlineData("mix(0.5:never,0.5:mix(0.25:fixed(1s),0.75:exponential(mean=90s)))")]
    [InlineData("mix(0.333333333333333:fixed(1s),0.333333333333333:fixed(2s),0.333333333333334:fixed(3s))")]
    [InlineData("never")]
    public void Parse_CanonicalSpec_RoundTrips(string spec)
    {
        var model = DelaySpec.Parse(spec);

        Assert.Equal(spec, model.ToString());
        Assert.Equal(spec, DelaySpec.Parse(model.ToString()).ToString());
    }

    [Theory]
    [InlineData(" fixed ( 1.5s ) ", "fixed(1500ms)")]
    [InlineData("fixed(1.50s)", "fixed(1500ms)")]
    [InlineData("fixed(1000ms)", "fixed(1s)")]
    [InlineData("fixed(60s)", "fixed(1m)")]
    [InlineData("fixed(90s)", "fixed(90s)")]
    [InlineData("fixed(0.25m)", "fixed(15s)")]
    [InlineData("fixed(0.1m)", "fixed(6s)")]
    [InlineData("fixed(0s)", "fixed(0ms)")]
    [InlineData("fixed(00.000m)", "fixed(0ms)")]
    [InlineData("fixed(1.0000001s)", "fixed(1000.0001ms)")]
    [InlineData("fixed(86400s)", "fixed(1440m)")]
    [InlineData("fixed(86400000ms)", "fixed(1440m)")]
    [InlineData("normal( mean = 1s , stddev = 0.2s )", "normal(mean=1s,stddev=200ms)")]
    [InlineData("pareto(scale=1000ms,shape=2.0)", "pareto(scale=1s,shape=2)")]
    [InlineData("mix(0.50:never, 0.5 : fixed(1s))", "mix(0.5:never,0.5:fixed(1s))")]
    [InlineData("\tlognormal(median=0.8s,\np99=6000ms)\r\n", "lognormal(median=800ms,p99=6s)")]
    public void Parse_NonCanonicalSpelling_FormatsCanonically(string spec, string canonical)
    {
        var model = DelaySpec.Parse(spec);

        Assert.Equal(canonical, model.ToString());
        Assert.Equal(canonical, DelaySpec.Parse(canonical).ToString());
    }

    [Fact]
    public void Parse_EachModel_HasParsedParameters()
    {
        var uniform = Assert.IsType<UniformDelay>(DelaySpec.Parse("uniform(100ms,1.5s)"));
        var normal = Assert.IsType<NormalDelay>(DelaySpec.Parse("normal(mean=1s,stddev=200ms)"));
        var lognormal = Assert.IsType<LogNormalDelay>(DelaySpec.Parse("lognormal(median=800ms,p99=6s)"));
        var exponential = Assert.IsType<ExponentialDelay>(DelaySpec.Parse("exponential(mean=2m)"));
        var pareto = Assert.IsType<ParetoDelay>(DelaySpec.Parse("pareto(scale=1s,shape=1.5)"));
        var mix = Assert.IsType<MixDelay>(DelaySpec.Parse("mix(0.9:fixed(1s),0.1:never)"));

        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1500)), (uniform.Min, uniform.Max));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200)), (normal.Mean, normal.StandardDeviation));
        Assert.Equal(Math.Log(0.8), lognormal.Mu, 12);
        Assert.Equal((Math.Log(6) - Math.Log(0.8)) / 2.3263478740408408, lognormal.Sigma, 12);
        Assert.Equal(TimeSpan.FromMinutes(2), exponential.Mean);
        Assert.Equal((TimeSpan.FromSeconds(1), 1.5), (pareto.Scale, pareto.Shape));
        Assert.Equal([0.9, 0.1], mix.Components.Select(c => c.Weight));
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.IsType<FixedDelay>(mix.Components[0].Model).Value);
        Assert.Same(NeverDelay.Instance, mix.Components[1].Model);
    }

    [Theory]
    [InlineData("", 0, "expected a delay model (fixed, uniform, normal, lognormal, exponential, pareto, mix, never), found an empty spec at position 0")]
    [InlineData("   ", 0, "found an empty spec")]
    [InlineData("(1s)", 0, "expected a delay model (fixed, uniform, normal, lognormal, exponential, pareto, mix, never) at position 0, found '('")]
    [InlineData("fixed(15)", 6, "expected a duration such as 1500ms, 2s or 1m at position 6, found '15'")]
    [InlineData("fixed( 15 )", 7, "expected a duration such as 1500ms, 2s or 1m at position 7, found '15'")]
    [InlineData("fixed(1500 ms)", 6, "expected a duration")]
    [InlineData("fixed(2h)", 6, "found '2h'")]
    [InlineData("fixed(1S)", 6, "expected a duration")]
    [InlineData("fixed(1mss)", 6, "expected a duration")]
    [InlineData("fixed(.5s)", 6, "found '.5s'")]
    [InlineData("fixed(1.s)", 6, "found '1.s'")]
    [InlineData("fixed(-1s)", 6, "found '-'")]
    [InlineData("fixed()", 6, "found ')'")]
    [InlineData("fixed(1441m)", 6, "duration 1441m is longer than the maximum of 1440m at position 6")]
    [InlineData("fixed(86400001ms)", 6, "longer than the maximum")]
    [InlineData("fixed(99999999999999999999999999999999s)", 6, "longer than the maximum")]
    [InlineData("fixed(0.00001ms)", 6, "duration 0.00001ms is finer than the 100ns resolution at position 6")]
    [InlineData("fixed(0.0000000001m)", 6, "finer than the 100ns resolution")]
    [InlineData("fixed 1s", 6, "expected '(' at position 6, found '1s'")]
    [InlineData("fixed", 5, "expected '(' at position 5, found end of input")]
    [InlineData("fixed(1s", 8, "expected ')' at position 8, found end of input")]
    [InlineData("fixed(1s) x", 10, "expected end of input at position 10, found 'x'")]
    [InlineData("fixed(1s))", 9, "expected end of input at position 9, found ')'")]
    [InlineData("fixed(1s) fixed(2s)", 10, "expected end of input")]
    [InlineData("never()", 5, "expected end of input at position 5, found '('")]
    [InlineData("Fixed(1s)", 0, "unknown delay model 'Fixed' at position 0")]
    [InlineData("uniform(900ms,100ms)", 14, "uniform upper bound 100ms is below the lower bound 900ms at position 14")]
    [InlineData("uniform(1s)", 10, "expected ',' at position 10, found ')'")]
    [InlineData("normal(1s,200ms)", 7, "expected 'mean=' at position 7, found '1s'")]
    [InlineData("normal(stddev=200ms,mean=1s)", 7, "expected 'mean=' at position 7, found 'stddev'")]
    [InlineData("normal(mean 1s,stddev=200ms)", 12, "expected '=' at position 12, found '1s'")]
    [InlineData("normal(mean=1s, std=200ms)", 16, "expected 'stddev=' at position 16, found 'std'")]
    [InlineData("lognormal(median=800ms,p99=800ms)", 27, "lognormal p99 800ms must be greater than the median 800ms at position 27")]
    [InlineData("lognormal(median=6s,p99=800ms)", 24, "must be greater than the median")]
    [InlineData("lognormal(median=0ms,p99=1s)", 17, "lognormal median must be greater than 0ms at position 17")]
    [InlineData("lognormal(p99=6s,median=800ms)", 10, "expected 'median='")]
    [InlineData("exponential(mean=0s)", 17, "exponential mean must be greater than 0ms at position 17")]
    [InlineData("exponential(1s)", 12, "expected 'mean='")]
    [InlineData("pareto(scale=0s,shape=1)", 13, "pareto scale must be greater than 0ms at position 13")]
    [InlineData("pareto(scale=1s,shape=0)", 22, "pareto shape must be greater than 0 at position 22")]
    [InlineData("pareto(scale=1s,shape=1s)", 23, "expected ')' at position 23, found 's'")]
    [InlineData("pareto(scale=1s,shape=x)", 22, "expected a shape such as 1.5 at position 22, found 'x'")]
    [InlineData("mix(0.9:fixed(1s),0.2:fixed(2s))", 0, "mix weights must sum to 1 (within 1e-9) but sum to 1.1 at position 0")]
    [InlineData("mix(0.5:fixed(1s))", 0, "but sum to 0.5 at position 0")]
    [InlineData("mix(0.5:fixed(1s),0.5:mix(0.5:never,0.6:fixed(1s)))", 22, "but sum to 1.1 at position 22")]
    [InlineData("mix(0:fixed(1s),1:fixed(2s))", 4, "mix weight must be greater than 0 at position 4")]
    [InlineData("mix(fixed(1s))", 4, "expected a weight such as 0.5 at position 4, found 'fixed'")]
    [InlineData("mix(-0.5:fixed(1s),1.5:fixed(2s))", 4, "expected a weight such as 0.5 at position 4, found '-'")]
    [InlineData("mix()", 4, "expected a weight such as 0.5 at position 4, found ')'")]
    [InlineData("mix(1 fixed(1s))", 6, "expected ':' at position 6, found 'fixed'")]
    [InlineData("mix(1:fixed(1s)", 15, "expected ',' or ')' at position 15, found end of input")]
    [InlineData("mix(1:fixed(1s);", 15, "expected ',' or ')' at position 15, found ';'")]
    [InlineData("mix(1:bogus(1s))", 6, "unknown delay model 'bogus' at position 6")]
    [InlineData("mix(1:)", 6, "expected a delay model")]
    public void Parse_BadSpec_ThrowsAtOffendingToken(string spec, int position, string message)
    {
        var error = Assert.Throws<DelaySpecException>(() => DelaySpec.Parse(spec));

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownModel_ListsKnownModels()
    {
        var error = Assert.Throws<DelaySpecException>(() => DelaySpec.Parse("gamma(1s)"));

        Assert.Equal(0, error.Position);
        Assert.Equal(
            "unknown delay model 'gamma' at position 0; known models are fixed, uniform, normal, lognormal, exponential, pareto, mix, never",
            error.Message);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => DelaySpec.Parse(null!));
    }

    [Fact]
    public void Parse_BadSpec_IsFormatException()
    {
        Assert.IsAssignableFrom<FormatException>(Assert.ThrowsAny<Exception>(() => DelaySpec.Parse("fixed(1)")));
    }

    [Fact]
    public void TryParse_ValidSpec_ReturnsModel()
    {
        Assert.True(DelaySpec.TryParse("exponential(mean=1s)", out var model, out var error));
        Assert.Null(error);
        Assert.IsType<ExponentialDelay>(model);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("fixed(15)", 6)]
    [InlineData("never x", 6)]
    public void TryParse_BadSpec_ReturnsError(string? spec, int position)
    {
        Assert.False(DelaySpec.TryParse(spec, out var model, out var error));
        Assert.Null(model);
        Assert.Equal(position, error.Position);
    }
}
