using System.Xml.Linq;
using Harness.Host;
using Harness.Runtime;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>
/// Runs one after another on a single harness, as with <c>--target</c>: each finds only its own resources, and takes
/// its world down again unless kept. The harness runs on virtual time, so the runs are instant.
/// </summary>
public sealed class SharedHarnessTests : IAsyncLifetime
{
    /// <summary>Two Elastic IPs, each associated by a private address that every run of the scenario uses again.</summary>
    private const string TwoElasticIps = """
        name: two-eips
        seed: 7
        clock: virtual
        propagation: { imds: fixed(2s) }
        topology:
          vpcs:
            - name: main
              cidr: 10.0.0.0/16
              subnets:
                - { name: a, cidr: 10.0.1.0/24 }
          instances:
            - { name: primary, type: m5.large, subnet: a, privateIp: 10.0.1.10, secondaryIps: [10.0.1.50] }
            - { name: standby, type: m5.large, subnet: a, privateIp: 10.0.1.20 }
          interfaces:
            - { name: spare, subnet: a, privateIp: 10.0.1.80 }
          elasticIps:
            - { name: service-ip, privateIp: 10.0.1.50 }
            - admin-ip
        steps:
          - expect: { api: primary, has: [10.0.1.50, service-ip] }
          - reassign: { ip: 10.0.1.50, to: standby }
          - expect: { api: standby, has: [10.0.1.50, service-ip] }
          - associate: { eip: admin-ip, ip: 10.0.1.10 }
          - expect: { api: primary, has: admin-ip }
          - expect: { imds: standby, has: service-ip, within: 30s }
        """;

    private readonly VirtualTimeProvider time = new(TimeProvider.System.GetUtcNow());
    private readonly HarnessApplication app;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public SharedHarnessTests() => app = HarnessApp.Build(new HarnessHostOptions(0, 0, 11), time);

    public Task InitializeAsync() => app.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }

    /// <summary>The test's own look at the region, as any user of the shared harness would see it.</summary>
    private Ec2Client Ec2 => new(http, new Uri(app.Ec2Url + "/"), "us-east-1");

    [Fact]
    public async Task Three_runs_of_one_scenario_each_pass_on_their_own_interfaces_and_leave_nothing_behind()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var run = 1; run <= 3; run++)
        {
            var report = await RunAsync(TwoElasticIps);

            Assert.True(report.Passed, $"run {run}: {report.Error} {string.Join("; ", report.Expectations.Where(e => !e.Passed).Select(e => e.Evidence))}");
            var primary = report.Instances.Single(i => i.Name == "primary").Interfaces.Single(n => n.Device == 0).NetworkInterfaceId;
            Assert.True(seen.Add(primary), $"run {run} reports {primary} again");
            Assert.Contains($" on {primary}, eipassoc-", report.Steps.Single(s => s.Description.StartsWith("associate", StringComparison.Ordinal)).Detail);
            Assert.Equal("cleaned up: 2 Elastic IPs, 2 instances, 1 interface, 1 subnet, 1 VPC", report.CleanUp);
            Assert.Contains("- cleaned up: 2 Elastic IPs", MarkdownReport.Render(report), StringComparison.Ordinal);
            Assert.Empty(await ItemsAsync("DescribeAddresses", "addressesSet"));
            Assert.Empty(await ItemsAsync("DescribeVpcs", "vpcSet"));
            Assert.Empty(await ItemsAsync("DescribeSubnets", "subnetSet"));
            Assert.Empty(await ItemsAsync("DescribeNetworkInterfaces", "networkInterfaceSet"));
            var states = await InstanceStatesAsync([.. report.Instances.Select(i => i.InstanceId)]);
            Assert.Equal(["terminated", "terminated"], states.Values);
        }
    }

    [Fact]
    public async Task Kept_worlds_stay_and_each_run_associates_with_its_own_interface_not_a_kept_one()
    {
        // One Elastic IP a run, so that three kept runs fit the quota; every run's primary holds 10.0.1.10.
        var oneEip = TwoElasticIps.Replace("    - { name: service-ip, privateIp: 10.0.1.50 }\n", "", StringComparison.Ordinal)
            .Replace("service-ip", "10.0.1.50", StringComparison.Ordinal);
        var runs = new List<RunReport>();
        for (var run = 1; run <= 3; run++)
        {
            var report = await RunAsync(oneEip, keep: true);
            Assert.True(report.Passed, $"run {run}: {report.Error}");
            runs.Add(report);
        }

        var vpcs = (await ItemsAsync("DescribeVpcs", "vpcSet")).Select(v => Ec2Client.Value(v, "vpcId")!).ToList();
        Assert.Equal(3, vpcs.Count);
        var bound = (await ItemsAsync("DescribeAddresses", "addressesSet"))
            .ToDictionary(a => Ec2Client.Value(a, "allocationId")!, a => Ec2Client.Value(a, "networkInterfaceId"), StringComparer.Ordinal);
        foreach (var report in runs)
        {
            var primary = report.Instances.Single(i => i.Name == "primary").Interfaces.Single(n => n.Device == 0).NetworkInterfaceId;
            Assert.Contains($" on {primary}, ", report.Steps.Single(s => s.Description.StartsWith("associate", StringComparison.Ordinal)).Detail);
            Assert.Single(vpcs, v => report.CleanUp!.StartsWith($"kept (--keep): VPC {v} (main) with 2 instances, 1 extra interface, 1 subnet; 1 Elastic IP (eipalloc-", StringComparison.Ordinal));
            var allocation = Assert.Single(bound.Keys, a => report.CleanUp!.Contains($"({a})", StringComparison.Ordinal));
            Assert.Equal(primary, bound[allocation]);
            Assert.Contains("POST /_harness/reset", report.CleanUp, StringComparison.Ordinal);
            Assert.Equal(["running", "running"], (await InstanceStatesAsync([.. report.Instances.Select(i => i.InstanceId)])).Values);
        }
    }

    [Fact]
    public async Task A_quota_left_full_by_kept_runs_fails_set_up_with_who_may_hold_it_and_the_failed_run_still_cleans_up()
    {
        await RunAsync(TwoElasticIps, keep: true);
        await RunAsync(TwoElasticIps, keep: true);

        // Five Elastic IPs per region: the third run gets one and is refused the next.
        var refused = await RunAsync(TwoElasticIps);

        Assert.False(refused.Passed);
        Assert.StartsWith("set-up failed: AllocateAddress failed: AddressLimitExceeded: ", refused.Error);
        Assert.Contains("earlier runs (kept with --keep, or interrupted", refused.Error, StringComparison.Ordinal);
        Assert.Contains("other users of " + app.Ec2Url, refused.Error, StringComparison.Ordinal);
        Assert.Contains("POST /_harness/reset", refused.Error, StringComparison.Ordinal);
        Assert.Equal("cleaned up: 1 Elastic IP, 2 instances, 1 interface, 1 subnet, 1 VPC", refused.CleanUp);
        Assert.Equal(4, (await ItemsAsync("DescribeAddresses", "addressesSet")).Count);
        Assert.Equal(2, (await ItemsAsync("DescribeVpcs", "vpcSet")).Count);
    }

    [Fact]
    public async Task A_quota_the_scenario_alone_exceeds_on_the_embedded_harness_says_so()
    {
        var six = TwoElasticIps.Replace("    - admin-ip\n", "    - admin-ip\n    - e3\n    - e4\n    - e5\n    - e6\n", StringComparison.Ordinal);

        var report = await RunCommand.RunEmbeddedAsync(ScenarioParser.Parse("six.yaml", six), RunProgress.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.StartsWith("set-up failed: AllocateAddress failed: AddressLimitExceeded: ", report.Error);
        Assert.EndsWith("the embedded harness starts empty, so the scenario alone asks for more than the region's quota allows", report.Error);
        Assert.StartsWith("cleaned up: 5 Elastic IPs, ", report.CleanUp);
    }

    [Fact]
    public async Task A_cancelled_run_still_cleans_up_within_the_bound()
    {
        var scenario = ScenarioParser.Parse("t.yaml", TwoElasticIps.Replace("clock: virtual", "clock: real", StringComparison.Ordinal)
            .Replace("  - expect: { api: primary, has: [10.0.1.50, service-ip] }\n", "  - sleep: 10m\n", StringComparison.Ordinal));
        var started = new SignalWriter("two-eips: ");
        using var stop = new CancellationTokenSource();

        var run = ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), app.Ec2Url, new RealScenarioClock(TimeProvider.System), new RunProgress(started), cancellation: stop.Token);
        await started.Seen.WaitAsync(TimeSpan.FromMinutes(1));
        await stop.CancelAsync();
        var report = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("the run was cancelled", report.Error);
        Assert.Equal("cleaned up: 2 Elastic IPs, 2 instances, 1 interface, 1 subnet, 1 VPC", report.CleanUp);
        Assert.Empty(await ItemsAsync("DescribeVpcs", "vpcSet"));
        Assert.Empty(await ItemsAsync("DescribeAddresses", "addressesSet"));
    }

    /// <summary>An Alibaba pair whose failover every run repeats with the same addresses.</summary>
    private const string AlibabaPair = """
        name: alibaba-pair
        cloud: alibaba
        seed: 7
        clock: virtual
        propagation: { imds: fixed(2s) }
        topology:
          vpcs:
            - name: main
              cidr: 10.0.0.0/16
              vswitches:
                - { name: a, cidr: 10.0.1.0/24 }
          instances:
            - { name: primary, subnet: a, privateIp: 10.0.1.10, secondaryIps: [10.0.1.50] }
            - { name: standby, subnet: a, privateIp: 10.0.1.20 }
        steps:
          - unassign: { instance: primary, ips: [10.0.1.50] }
          - assign: { instance: standby, ips: [10.0.1.50] }
          - expect: { api: standby, equals: [10.0.1.20, 10.0.1.50] }
          - expect: { imds: standby, has: 10.0.1.50, within: 10s }
        """;

    [Fact]
    public async Task Alibaba_runs_on_a_shared_harness_need_its_ecs_endpoint_and_find_only_their_own()
    {
        var ecs = new Uri(app.EcsUrl + "/");
        var first = await ScenarioRunner.RunAsync(ScenarioParser.Parse("p.yaml", AlibabaPair), new Uri(app.Ec2Url + "/"), app.Ec2Url,
            new VirtualScenarioClock(time), RunProgress.None, ecsEndpoint: ecs).WaitAsync(TimeSpan.FromMinutes(1));
        var second = await ScenarioRunner.RunAsync(ScenarioParser.Parse("p.yaml", AlibabaPair), new Uri(app.Ec2Url + "/"), app.Ec2Url,
            new VirtualScenarioClock(time), RunProgress.None, ecsEndpoint: ecs).WaitAsync(TimeSpan.FromMinutes(1));
        var without = await RunAsync(AlibabaPair);

        Assert.True(first.Passed, first.Error);
        Assert.True(second.Passed, second.Error);
        Assert.Equal("cleaned up: 2 instances, 1 security group, 1 vSwitch, 1 VPC", first.CleanUp);
        Assert.Equal("cleaned up: 2 instances, 1 security group, 1 vSwitch, 1 VPC", second.CleanUp);
        var left = await new EcsClient(http, ecs, "cn-hangzhou").CallAsync("DescribeVpcs", CancellationToken.None);
        Assert.Equal(0, left["TotalCount"]!.GetValue<int>());
        Assert.False(without.Passed);
        Assert.Contains("needs the harness's ECS endpoint (run --ecs-target URL beside --target)", without.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alibaba_run_kept_says_what_it_kept_in_alibabas_words()
    {
        var ecs = new Uri(app.EcsUrl + "/");
        var report = await ScenarioRunner.RunAsync(ScenarioParser.Parse("p.yaml", AlibabaPair), new Uri(app.Ec2Url + "/"), app.Ec2Url,
            new VirtualScenarioClock(time), RunProgress.None, keep: true, ecsEndpoint: ecs).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(report.Passed, report.Error);
        var vpc = (await new EcsClient(http, ecs, "cn-hangzhou").CallAsync("DescribeVpcs", CancellationToken.None))["Vpcs"]!["Vpc"]![0]!["VpcId"]!.GetValue<string>();
        Assert.StartsWith($"kept (--keep): VPC {vpc} (main) with 2 instances, 0 extra ENIs, 1 vSwitch;", report.CleanUp, StringComparison.Ordinal);
    }

    private Task<RunReport> RunAsync(string text, bool keep = false) =>
        ScenarioRunner.RunAsync(ScenarioParser.Parse("two-eips.yaml", text), new Uri(app.Ec2Url + "/"), app.Ec2Url, new VirtualScenarioClock(time), RunProgress.None, keep)
            .WaitAsync(TimeSpan.FromMinutes(1));

    private async Task<List<XElement>> ItemsAsync(string action, string set) =>
        [.. Ec2Client.Items(await Ec2.CallAsync(action, CancellationToken.None), set)];

    private async Task<Dictionary<string, string>> InstanceStatesAsync(string[] ids)
    {
        var reply = await Ec2.CallAsync("DescribeInstances", ids.Select((id, i) => new KeyValuePair<string, string>($"InstanceId.{i + 1}", id)), CancellationToken.None);
        return Ec2Client.All(reply, "instancesSet").SelectMany(s => s.Elements().Where(e => e.Name.LocalName == "item"))
            .ToDictionary(i => Ec2Client.Value(i, "instanceId")!, i => Ec2Client.All(i, "instanceState").Select(s => Ec2Client.Value(s, "name")!).First(), StringComparer.Ordinal);
    }
}
