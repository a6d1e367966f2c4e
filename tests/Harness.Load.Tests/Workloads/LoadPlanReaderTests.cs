using Harness.Load.Engine;
using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

public sealed class LoadPlanReaderTests
{
    [Fact]
    public void The_issue_s_command_reads_as_an_injection_over_a_thousand_instances()
    {
        Assert.True(LoadPlanReader.TryRead("churn", Options(("duration", "60s"), ("rate", "2000"), ("instances", "1000")), out var plan, out _));
        Assert.Equal(new LoadSimulation.Inject(2000, TimeSpan.FromSeconds(60)), Assert.Single(plan.Simulations));
        Assert.Equal(1000, plan.Topology.Instances);
        Assert.Equal(1000, plan.Topology.Interfaces);
        Assert.Null(plan.PollInterval);
        Assert.Equal(TimeSpan.Zero, plan.Settle);
    }

    [Fact]
    public void Mixed_polls_and_describes_by_default()
    {
        Assert.True(LoadPlanReader.TryRead("mixed", Options(("load", "ramp(from=0,to=400,during=10s) inject(rate=400,during=20s)")), out var plan, out _));
        Assert.Equal(TimeSpan.FromSeconds(1), plan.PollInterval);
        Assert.Equal(100, plan.DescribeRate);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), plan.Settle);
    }

    [Theory]
    [InlineData("flood", "", "", "unknown workload 'flood'")]
    [InlineData("churn", "rate", "fast", "rate must be a number")]
    [InlineData("churn", "duration", "10", "duration must be a duration such as 500ms")]
    [InlineData("churn", "warp", "9", "unknown option 'warp'")]
    [InlineData("churn", "instance-type", "z9.huge", "unknown instance type 'z9.huge'")]
    [InlineData("churn", "interfaces", "5000", "takes 4")]
    [InlineData("churn", "addresses-per-interface", "0", "at least 1")]
    [InlineData("churn", "addresses-per-interface", "20", "must be 0 to 14")]
    [InlineData("churn", "delay", "lognormal(median=5s)", "delay: expected")]
    [InlineData("churn", "load", "inject(rate=5)", "load: expected ','")]
    [InlineData("describe-storm", "poll-interval", "1s", "nothing to poll")]
    [InlineData("churn", "describe-rate", "5", "churn has none")]
    [InlineData("pollers", "launch-rate", "5", "pollers has none")]
    [InlineData("churn", "settle", "5s", "this run has no pollers")]
    [InlineData("churn", "duration", "0.5ms", "starts no copy at all")]
    [InlineData("churn", "load", "pause(during=5s) keep(copies=0,during=1s)", "starts no copy at all")]
    [InlineData("pollers", "poll-interval", "0s", "poll-interval must be longer than 0")]
    public void Bad_options_say_which_and_why(string workload, string name, string value, string message)
    {
        var options = name.Length == 0 ? Options() : Options((name, value));
        Assert.False(LoadPlanReader.TryRead(workload, options, out _, out var problem));
        Assert.Contains(message, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_and_rate_together_are_refused()
    {
        Assert.False(LoadPlanReader.TryRead("churn", Options(("rate", "5"), ("load", "keep(copies=2,during=1s)")), out _, out var problem));
        Assert.Contains("not both", problem, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Options(params (string Name, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
}
