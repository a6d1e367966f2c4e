using Harness.Load.Engine;
using Harness.Load.Workloads;
using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;

namespace Harness.Scenarios.Tests;

/// <summary>A scenario's load: block: read with LoadPlanReader, every problem at its place in the file.</summary>
public sealed class LoadBlockParserTests
{
    private const string Steps = "  - sleep: 1s";

    private static string WithLoad(string load, string clock = "real") => Scenarios.With(Steps, $"clock: {clock}\n{load}");

    private static ScenarioError SingleError(string text, ScenarioOverrides? overrides = null) =>
        Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text, overrides)).Errors);

    /// <summary>The 1-based line and column where <paramref name="fragment"/> is first written.</summary>
    private static SourceMark Where(string text, string fragment)
    {
        var lines = text.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(fragment, StringComparison.Ordinal));
        Assert.True(line >= 0, $"'{fragment}' is not in the text");
        return new SourceMark(line + 1, lines[line].IndexOf(fragment, StringComparison.Ordinal) + 1);
    }

    [Fact]
    public void A_load_block_reads_its_workload_start_and_options_into_a_plan_seeded_by_the_scenario()
    {
        var scenario = ScenarioParser.Parse("s.yaml", WithLoad("""
            load:
              workload: mixed
              rate: 200
              duration: 30s
              instances: 20
              poll-interval: 500ms
              start: 2s
            """));

        var load = Assert.Single(scenario.Load);
        Assert.Equal(("mixed", TimeSpan.FromSeconds(2)), (load.Workload, load.Start));
        Assert.Equal(["rate", "duration", "instances", "poll-interval"], load.Options.Select(o => o.Key));
        var plan = load.Plan;
        Assert.Equal(LoadPlan.Mixed, plan.Workload);
        Assert.Equal(new LoadSimulation.Inject(200, TimeSpan.FromSeconds(30)), Assert.Single(plan.Simulations));
        Assert.Equal((20, TimeSpan.FromMilliseconds(500)), (plan.Topology.Instances, plan.PollInterval!.Value));
        Assert.Null(plan.Delay);
        Assert.Equal(3, plan.Seed);
        Assert.Equal("mixed, rate: 200, duration: 30s, instances: 20, poll-interval: 500ms, start: 2s", load.Describe());
    }

    [Fact]
    public void A_list_runs_several_workloads_and_a_seed_of_its_own_wins()
    {
        var scenario = ScenarioParser.Parse("s.yaml", WithLoad("""
            load:
              - { workload: churn, rate: 50, instances: 4, seed: 11 }
              - { workload: describe-storm, rate: 10, start: 1s }
            """), new ScenarioOverrides(Seed: 8));

        Assert.Equal(["churn", "describe-storm"], scenario.Load.Select(l => l.Workload));
        Assert.Equal([11, 8], scenario.Load.Select(l => l.Plan.Seed));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1)], scenario.Load.Select(l => l.Start));
    }

    [Fact]
    public void Options_that_hold_only_together_are_read_together()
    {
        // interfaces: 6 alone is fewer than the default 100 instances; beside instances: 3 it is fine.
        var scenario = ScenarioParser.Parse("s.yaml", WithLoad("load: { workload: churn, interfaces: 6, instances: 3 }"));

        Assert.Equal((3, 6), (scenario.Load[0].Plan.Topology.Instances, scenario.Load[0].Plan.Topology.Interfaces));
    }

    [Fact]
    public void An_unknown_option_is_an_error_at_its_key_in_the_readers_words()
    {
        var text = WithLoad("load:\n  workload: churn\n  rate: 20\n  speed: 3");

        var error = SingleError(text);

        Assert.Equal(Where(text, "speed"), error.Mark);
        Assert.StartsWith("Unknown option 'speed' in the load block; the options are workload, start, duration, rate, load, ", error.Message, StringComparison.Ordinal);
        Assert.Equal($"s.yaml:{error.Mark.Line}:3: {error.Message}", error.ToString());
    }

    [Fact]
    public void Every_bad_value_is_listed_at_its_value()
    {
        var text = WithLoad("load:\n  workload: churn\n  rate: fast\n  duration: soon\n  instances: 20");

        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors;

        Assert.Equal(2, errors.Count);
        Assert.Equal((Where(text, "fast"), "Rate must be a number from 0.001 to 1000000, not 'fast'."), (errors[0].Mark, errors[0].Message));
        Assert.Equal((Where(text, "soon"), "Duration must be a duration such as 500ms, 30s or 2m, not 'soon'."), (errors[1].Mark, errors[1].Message));
    }

    [Fact]
    public void Options_that_clash_are_pointed_at_without_the_command_lines_dashes()
    {
        var text = WithLoad("load: { workload: churn, instances: 4, interfaces: 2 }");

        var error = SingleError(text);

        Assert.Equal("Interfaces (2) must be at least instances (4): every instance has its primary interface.", error.Message);
        Assert.Equal(Where(text, "4, interfaces"), error.Mark);
    }

    [Fact]
    public void Delay_is_refused_and_points_at_the_scenarios_propagation()
    {
        var text = WithLoad("load:\n  workload: pollers\n  delay: fixed(1s)");

        var error = SingleError(text);

        Assert.Equal(Where(text, "delay"), error.Mark);
        Assert.Contains("'delay' is not for a scenario's load: the scenario sets the delays (propagation:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_load_on_the_virtual_clock_is_refused()
    {
        var text = WithLoad("load: { workload: churn, rate: 10 }", clock: "virtual");

        var error = SingleError(text);

        Assert.Equal(Where(text, "load:"), error.Mark);
        Assert.Contains("runs its workloads in real time", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs clock: real; this run uses the virtual clock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_lines_virtual_clock_is_refused_too()
    {
        var text = WithLoad("load: { workload: churn, rate: 10 }");

        var error = SingleError(text, new ScenarioOverrides(Clock: ClockMode.Virtual));

        Assert.Contains("this run uses the virtual clock", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("load:\n  workload: storm", "storm", "Unknown workload 'storm'; the workloads are churn, pollers, describe-storm, mixed.")]
    [InlineData("load:\n  rate: 10", "rate", "A load block needs 'workload'.")]
    [InlineData("load: mixed", "mixed", "A load block must be a mapping")]
    [InlineData("load: []", "[]", "'load' lists no workload")]
    [InlineData("load:\n  workload: churn\n  start: later", "later", "'start' in a load block must be a duration")]
    [InlineData("load:\n  workload: describe-storm\n  poll-interval: 1s", "1s", "Describe-storm changes nothing, so it has nothing to poll for: drop poll-interval.")]
    [InlineData("load:\n  workload: churn\n  rate: [1, 2]", "[1, 2]", "'rate' in the load block must be a single value, not a list.")]
    public void A_bad_load_block_is_an_error_at_its_place(string load, string at, string message)
    {
        var text = WithLoad(load);

        var error = SingleError(text);

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(Where(text, at), error.Mark);
    }
}
