using Harness.Domain.Delays;
using Harness.Load.Engine;

namespace Harness.Load.Tests.Engine;

public sealed class LoadSimulationTests
{
    [Fact]
    public void Phases_parse_and_print_back_the_same()
    {
        var text = "inject(rate=2000,during=1m) ramp(from=0,to=500,during=10s); keep(copies=8,during=30s) ramp-keep(from=1,to=16,during=2s) pause(during=500ms)";
        var phases = LoadSimulation.Parse(text);
        Assert.Equal(5, phases.Count);
        Assert.Equal(new LoadSimulation.Inject(2000, TimeSpan.FromMinutes(1)), phases[0]);
        Assert.Equal(new LoadSimulation.RampKeep(1, 16, TimeSpan.FromSeconds(2)), phases[3]);
        Assert.Equal(phases, LoadSimulation.Parse(LoadSimulation.Format(phases)));
    }

    [Theory]
    [InlineData("", "expected a load simulation", 0)]
    [InlineData("flood(rate=1,during=1s)", "unknown load simulation 'flood'", 0)]
    [InlineData("inject(rate=1)", "expected ','", 13)]
    [InlineData("inject(rate=1,during=0s)", "during must be longer than 0", 21)]
    [InlineData("keep(copies=1.5,during=1s)", "copies must be a whole number", 12)]
    [InlineData("inject(rate=2000000,during=1s)", "more than 1000000", 12)]
    [InlineData("inject(rate=5,during=1s) keep", "expected '('", 29)]
    public void Bad_phases_say_what_and_where(string text, string message, int position)
    {
        var error = Assert.Throws<DelaySpecException>(() => LoadSimulation.Parse(text));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void A_ramp_starts_the_integral_of_its_rate()
    {
        var ramp = new LoadSimulation.Ramp(0, 100, TimeSpan.FromSeconds(10));
        Assert.Equal(500, ramp.StartedBy(TimeSpan.FromSeconds(10)), 6);
        Assert.Equal(125, ramp.StartedBy(TimeSpan.FromSeconds(5)), 6);
        Assert.Equal(500, ramp.StartedBy(TimeSpan.FromSeconds(99)), 6);
        Assert.Equal(50, ramp.LevelAt(TimeSpan.FromSeconds(5)), 6);
    }
}
