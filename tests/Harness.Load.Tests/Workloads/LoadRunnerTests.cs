using System.Xml.Linq;
using Harness.Host;
using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

/// <summary>Each workload end to end against a real harness on loopback, in real time with short runs and generous bounds.</summary>
public sealed class LoadRunnerTests : IAsyncLifetime
{
    private HarnessApplication app = null!;

    public async Task InitializeAsync()
    {
        app = HarnessApp.Build(new HarnessHostOptions(0, 0, 7));
        await app.StartAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Uri Endpoint => new(app.Ec2Url + "/");

    [Fact]
    public async Task Churn_leaves_every_address_where_its_last_confirmed_change_put_it()
    {
        var plan = Plan("churn", ("rate", "100"), ("duration", "2s"), ("instances", "6"), ("interfaces", "10"), ("addresses-per-interface", "3"), ("warm-up", "0s"));
        var log = new List<string>();
        var outcome = await LoadRunner.RunAsync(plan, Endpoint, "test", TimeProvider.System, log.Add, null, CancellationToken.None);

        var steps = outcome.Report.Scenarios.Single().Steps.ToDictionary(s => s.Name);
        Assert.Equal(["assign", "reassign", "unassign"], steps.Keys.Order());
        Assert.All(steps.Values, s => Assert.Equal(0, s.Failed));
        // 100/s for 2 s starts 200 copies; one that finds all 30 addresses busy (a slow machine) does nothing but is counted.
        Assert.Equal(200, outcome.Report.Scenarios.Single().Copies);
        Assert.InRange(steps.Values.Sum(s => s.Count), 100, 200);
        Assert.Contains(log, l => l.Contains("6 instances, 10 interfaces, 30 floating addresses", StringComparison.Ordinal));

        // What the API says now is what the churn's own book says: nothing lost, nothing doubled.
        using var ec2 = new Ec2Api(Endpoint, 1);
        var described = XElement.Parse((await ec2.CallAsync("DescribeNetworkInterfaces", "", CancellationToken.None)).Body);
        var holders = Ec2Api.All(described, "networkInterfaceSet").Single().Elements()
            .SelectMany(eni => Ec2Api.All(eni, "privateIpAddress").Select(ip => (Ip: ip.Value, Eni: Ec2Api.Value(eni, "networkInterfaceId"))))
            .GroupBy(p => p.Ip)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Eni).Distinct().ToList());
        Assert.Null(outcome.Tracker);
        Assert.Equal(30, outcome.Topology.Addresses.Count);
        Assert.Contains(outcome.Topology.Addresses, a => a.Owner is null);
        foreach (var address in outcome.Topology.Addresses)
        {
            if (address.Owner is { } owner)
            {
                Assert.Equal([owner.Id], holders[address.Ip]);
            }
            else
            {
                Assert.False(holders.ContainsKey(address.Ip), $"{address.Ip} was unassigned last but {string.Join(",", holders.GetValueOrDefault(address.Ip) ?? [])} holds it");
            }
        }
    }

    [Fact]
    public async Task Pollers_see_a_fixed_delay_as_that_delay_plus_at_most_a_poll()
    {
        var plan = Plan("pollers", ("rate", "20"), ("duration", "3s"), ("instances", "8"), ("poll-interval", "10ms"),
            ("delay", "fixed(300ms)"), ("warm-up", "0s"), ("settle", "2s"));
        var outcome = await LoadRunner.RunAsync(plan, Endpoint, "test", TimeProvider.System, _ => { }, null, CancellationToken.None);

        var c = outcome.Report.Convergence!;
        Assert.Equal("fixed(300ms)", c.Model);
        Assert.True(c.Converged >= 10, $"{c.Converged} converged");
        Assert.Equal(c.Changes, c.Converged);
        Assert.Equal(0, c.Overlapped);
        Assert.Equal(0, c.Superseded);
        // The delay runs from the change, made before the reply: on a loaded two-core machine a reply can take tens of
        // milliseconds, so a change can show well under 300 ms after it; a poll adds up to 10 ms. Generous bounds both ways.
        Assert.InRange(c.Observed.MinMs, 150, 400);
        Assert.InRange(c.Observed.P50Ms, 250, 600);
        Assert.NotNull(c.KsDistance);
        Assert.NotNull(c.Lateness);
        Assert.Equal(300, c.Configured!.P50Ms);
        var steps = outcome.Report.Scenarios.SelectMany(s => s.Steps).ToDictionary(s => s.Name);
        Assert.Equal(0, steps["local-ipv4s"].Failed);
        Assert.True(steps["token"].Count >= 8, "every poller takes an IMDSv2 token first");
    }

    [Fact]
    public async Task Set_up_flushes_its_fleets_pending_metadata_when_asked_and_reports_how_long_it_took()
    {
        // Every set-up change draws 20 s: waiting for them would take 20 s, flushing them next to nothing.
        var plan = Plan("churn", ("rate", "10"), ("duration", "1s"), ("instances", "3"), ("delay", "fixed(20s)"), ("warm-up", "0s"));
        plan = plan with { Topology = plan.Topology with { FlushPending = true } };
        var log = new List<string>();
        var outcome = await LoadRunner.RunAsync(plan, Endpoint, "test", TimeProvider.System, log.Add, null, CancellationToken.None);

        Assert.Contains(log, l => l.StartsWith("set-up: flushed ", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("waiting for", StringComparison.Ordinal));
        Assert.InRange(outcome.Report.SetUpSeconds, 0.001, 10);
        Assert.Equal(3, outcome.Report.Headline.Count);
        Assert.EndsWith($"set-up took {Harness.Load.Reports.ReportFormat.Seconds(outcome.Report.SetUpSeconds)}.", outcome.Report.Headline[0]);
        Assert.Equal("Convergence was not measured (nothing polled metadata).", outcome.Report.Headline[2]);
        Assert.Empty(outcome.Report.Warnings);
    }

    [Fact]
    public async Task A_mixed_runs_launches_terminate_every_instance_they_launched()
    {
        var plan = Plan("mixed", ("rate", "20"), ("duration", "2s"), ("instances", "4"), ("launch-rate", "10"), ("describe-rate", "0"), ("warm-up", "0s"), ("settle", "0s"));
        var outcome = await LoadRunner.RunAsync(plan, Endpoint, "test", TimeProvider.System, _ => { }, null, CancellationToken.None);

        var lifecycle = outcome.Report.Scenarios.Single(s => s.Name == LifecycleWorkload.Name).Steps.ToDictionary(s => s.Name);
        Assert.Equal(20, lifecycle["launch"].Count);
        Assert.Equal(20, lifecycle["terminate"].Count);
        Assert.Equal(0, lifecycle["launch"].Failed + lifecycle["terminate"].Failed);
        using var ec2 = new Ec2Api(Endpoint, 1);
        var running = XElement.Parse((await ec2.CallAsync("DescribeInstances", "Filter.1.Name=instance-state-name&Filter.1.Value.1=running", CancellationToken.None)).Body);
        Assert.Equal(4, Ec2Api.All(running, "instanceId").Count());
    }

    [Fact]
    public async Task Describe_storm_answers_every_kind_of_question_right()
    {
        var plan = Plan("describe-storm", ("rate", "80"), ("duration", "2s"), ("instances", "4"), ("warm-up", "0s"));
        var outcome = await LoadRunner.RunAsync(plan, Endpoint, "test", TimeProvider.System, _ => { }, null, CancellationToken.None);
        var steps = outcome.Report.Scenarios.Single().Steps;
        Assert.Equal(["describe-by-address", "describe-by-id", "describe-by-instance", "describe-page"], steps.Select(s => s.Name).Order());
        Assert.All(steps, s => Assert.True(s.Count > 10 && s.Failed == 0, $"{s.Name}: {s.Count} calls, {s.Failed} failed"));
        Assert.Null(outcome.Report.Convergence);
    }

    [Fact]
    public async Task A_workload_that_polls_refuses_a_target_without_metadata()
    {
        var plan = Plan("pollers", ("duration", "1s"), ("instances", "1"));
        var moto = new Uri(app.Ec2Url + "/_harness/nothing-here/");
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            LoadRunner.RunAsync(plan, moto, "test", TimeProvider.System, _ => { }, null, CancellationToken.None));
        Assert.IsType<LoadSetupException>(error);
    }

    [Fact]
    public async Task Cancelling_mid_run_still_gives_a_report()
    {
        var plan = Plan("churn", ("rate", "50"), ("duration", "30s"), ("instances", "2"), ("warm-up", "0s"));
        using var cancel = new CancellationTokenSource();
        var outcome = await LoadRunner.RunAsync(plan, Endpoint, "test", TimeProvider.System, _ => { }, p =>
        {
            if (p.Elapsed > TimeSpan.FromSeconds(1))
            {
                cancel.Cancel();
            }
        }, cancel.Token);
        Assert.True(outcome.Run.Cancelled);
        Assert.InRange(outcome.Run.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(10));
        Assert.Contains(outcome.Report.Notes, n => n.Contains("stopped before its end", StringComparison.Ordinal));
        Assert.True(outcome.Report.Scenarios.Single().Steps.Sum(s => s.Count) > 10);
    }

    private static LoadPlan Plan(string workload, params (string Name, string Value)[] options)
    {
        Assert.True(LoadPlanReader.TryRead(workload, options.ToDictionary(o => o.Name, o => o.Value, StringComparer.Ordinal), out var plan, out var problem), problem);
        return plan;
    }
}
