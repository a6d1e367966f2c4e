using Harness.Domain.Clouds;
using Harness.Domain.Delays;
using Harness.Ecs;
using Harness.Host;
using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

/// <summary>
/// <c>--cloud alibaba</c> end to end: each workload against a real harness's ECS/VPC API and Alibaba metadata on
/// loopback, in real time with short runs and generous bounds (as <see cref="LoadRunnerTests"/> for EC2).
/// </summary>
public sealed class AlibabaLoadRunnerTests : IAsyncLifetime
{
    private HarnessApplication app = null!;

    public async Task InitializeAsync()
    {
        app = HarnessApp.Build(new HarnessHostOptions(0, 0, 7) { Ecs = new EcsOptions { Transition = DelaySpec.Parse("uniform(10ms,50ms)") } });
        await app.StartAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Uri Control => new(app.Ec2Url + "/");

    private Uri Ecs => new(app.EcsUrl + "/");

    [Fact]
    public async Task Churn_with_pollers_moves_addresses_through_the_ECS_API_and_sees_them_in_Alibabas_metadata()
    {
        var plan = Plan("churn", ("rate", "40"), ("duration", "2s"), ("instances", "6"), ("interfaces", "10"), ("addresses-per-interface", "3"),
            ("poll-interval", "20ms"), ("delay", "fixed(50ms)"), ("warm-up", "0s"), ("settle", "1s"));
        var log = new List<string>();
        var outcome = await LoadRunner.RunAsync(plan, Control, "test", TimeProvider.System, log.Add, null, CancellationToken.None, ecsEndpoint: Ecs);

        Assert.Equal("harness-load churn on Alibaba Cloud ECS", outcome.Report.Title);
        Assert.StartsWith(Ecs.ToString(), outcome.Report.Target, StringComparison.Ordinal);
        Assert.Contains(log, l => l.Contains("6 instances, 10 interfaces, 30 floating addresses", StringComparison.Ordinal));
        Assert.Contains(log, l => l == "set-up: 6/6 instances Running");
        var churn = outcome.Report.Scenarios.Single(s => s.Name == ChurnWorkload.Name);
        Assert.Equal(80, churn.Copies);
        var steps = churn.Steps.ToDictionary(s => s.Name);
        Assert.Equal(["assign", "reassign", "unassign"], steps.Keys.Order());
        Assert.All(steps.Values, s => Assert.True(s.Failed == 0, $"{s.Name}: {s.Failed} failed"));
        Assert.InRange(steps.Values.Sum(s => s.Count), 40, 80);

        // The pollers read Alibaba's tree (a JSON array per ENI) with its token, and saw changes arrive.
        var polls = outcome.Report.Scenarios.Single(s => s.Name == PollerWorkload.Name).Steps.ToDictionary(s => s.Name);
        Assert.Equal(["private-ipv4s", "token"], polls.Keys.Order());
        Assert.Equal(0, polls["private-ipv4s"].Failed + polls["token"].Failed);
        Assert.True(polls["private-ipv4s"].Count > 100, $"{polls["private-ipv4s"].Count} reads");
        var tracker = outcome.Tracker!;
        Assert.True(tracker.Changes >= 40, $"{tracker.Changes} changes");
        Assert.True(tracker.Converged > 0, "no change was ever seen in the metadata");
        Assert.Equal("fixed(50ms)", outcome.Report.Convergence!.Model);

        // What the ECS API says now is what the churn's own book says: nothing lost, nothing doubled.
        var holders = await HoldersAsync();
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
    public async Task Pollers_see_a_fixed_delay_in_Alibabas_metadata_as_that_delay_plus_at_most_a_poll()
    {
        var plan = Plan("pollers", ("rate", "20"), ("duration", "3s"), ("instances", "8"), ("poll-interval", "10ms"),
            ("delay", "fixed(300ms)"), ("warm-up", "0s"), ("settle", "2s"));
        var outcome = await LoadRunner.RunAsync(plan, Control, "test", TimeProvider.System, _ => { }, null, CancellationToken.None, ecsEndpoint: Ecs);

        var c = outcome.Report.Convergence!;
        Assert.True(c.Converged >= 10, $"{c.Converged} converged");
        Assert.Equal(c.Changes, c.Converged);
        Assert.Equal(0, c.Overlapped);
        Assert.Equal(c.Converged, outcome.Tracker!.Samples().Length);
        // No change is seen before the model's 300 ms (less a poll); above, bounds only a broken clock would cross (a reply
        // on a loaded two-core machine can take tens of milliseconds).
        Assert.InRange(c.Observed.MinMs, 150, 1000);
        Assert.InRange(c.Observed.P50Ms, 250, 1500);
        Assert.NotNull(c.KsDistance);
        var steps = outcome.Report.Scenarios.SelectMany(s => s.Steps).ToDictionary(s => s.Name);
        Assert.Equal(0, steps["private-ipv4s"].Failed);
        Assert.True(steps["token"].Count >= 8, "every poller takes a token first");
    }

    [Fact]
    public async Task Describe_storm_answers_every_kind_of_question_right_on_Alibaba()
    {
        var plan = Plan("describe-storm", ("rate", "80"), ("duration", "2s"), ("instances", "4"), ("interfaces", "8"), ("warm-up", "0s"));
        var outcome = await LoadRunner.RunAsync(plan, Control, "test", TimeProvider.System, _ => { }, null, CancellationToken.None, ecsEndpoint: Ecs);

        var steps = outcome.Report.Scenarios.Single().Steps;
        Assert.Equal(["describe-by-address", "describe-by-id", "describe-by-instance", "describe-page"], steps.Select(s => s.Name).Order());
        Assert.All(steps, s => Assert.True(s.Count > 10 && s.Failed == 0, $"{s.Name}: {s.Count} calls, {s.Failed} failed"));
    }

    [Fact]
    public async Task A_mixed_runs_launches_wait_for_Running_and_delete_every_instance_they_launched()
    {
        var plan = Plan("mixed", ("rate", "20"), ("duration", "2s"), ("instances", "4"), ("launch-rate", "5"), ("describe-rate", "0"), ("warm-up", "0s"), ("settle", "0s"));
        var outcome = await LoadRunner.RunAsync(plan, Control, "test", TimeProvider.System, _ => { }, null, CancellationToken.None, ecsEndpoint: Ecs);

        var lifecycle = outcome.Report.Scenarios.Single(s => s.Name == LifecycleWorkload.Name).Steps.ToDictionary(s => s.Name);
        Assert.Equal(10, lifecycle["launch"].Count);
        Assert.Equal(10, lifecycle["running"].Count);
        Assert.Equal(10, lifecycle["terminate"].Count);
        Assert.Equal(0, lifecycle["launch"].Failed + lifecycle["running"].Failed + lifecycle["terminate"].Failed);
        using var ecs = new EcsApi(Ecs, Control, 1, TimeProvider.System);
        var listed = await ecs.RequireAsync("DescribeInstances", "PageSize=100", CancellationToken.None);
        Assert.Equal(
            outcome.Topology.Instances.Select(i => i.Id).Order(),
            EcsApi.Items(listed, "Instances", "Instance").Select(i => EcsApi.Text(i, "InstanceId")).Order());
    }

    /// <summary>Every private address the ECS API shows on an ENI, with the ENIs that hold it.</summary>
    private async Task<Dictionary<string, List<string>>> HoldersAsync()
    {
        using var ecs = new EcsApi(Ecs, Control, 1, TimeProvider.System);
        var described = await ecs.DescribeInterfacesAsync(new InterfaceQuery.FirstPage(100), CancellationToken.None);
        Assert.True(described.Reply.IsOk, described.Reply.Body);
        var body = System.Text.Json.Nodes.JsonNode.Parse(described.Reply.Body)!;
        Assert.Equal("", body["NextToken"]!.GetValue<string>());
        return EcsApi.Items(body, "NetworkInterfaceSets", "NetworkInterfaceSet")
            .SelectMany(eni => EcsApi.Items(eni, "PrivateIpSets", "PrivateIpSet")
                .Select(ip => (Ip: EcsApi.Text(ip, "PrivateIpAddress"), Eni: EcsApi.Text(eni, "NetworkInterfaceId"))))
            .GroupBy(p => p.Ip)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Eni).Distinct().ToList());
    }

    private static LoadPlan Plan(string workload, params (string Name, string Value)[] options)
    {
        Assert.True(LoadPlanReader.TryRead(workload, options.ToDictionary(o => o.Name, o => o.Value, StringComparer.Ordinal), out var plan, out var problem, Cloud.Alibaba), problem);
        Assert.Equal("ecs.g7.xlarge", plan.Topology.InstanceType);
        return plan;
    }
}
