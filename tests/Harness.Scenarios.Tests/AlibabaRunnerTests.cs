using System.Text.Json;
using Harness.Host;
using Harness.Runtime;
using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Scenarios.Tests;

/// <summary>cloud: alibaba scenarios on an embedded harness: every step through the ECS API, waiting out Alibaba's states.</summary>
public sealed class AlibabaRunnerTests
{
    private const string Topology = """
        topology:
          vpcs:
            - name: main
              cidr: 10.0.0.0/16
              vswitches:
                - { name: a, cidr: 10.0.1.0/24 }
          instances:
            - { name: primary, subnet: a, privateIp: 10.0.1.10, secondaryIps: [10.0.1.50] }
            - { name: standby, subnet: a, privateIp: 10.0.1.20 }
          interfaces:
            - { name: spare, subnet: a, privateIp: 10.0.1.80, secondaryIps: [10.0.1.81] }
        """;

    private static string Scenario(string clock, string steps) =>
        $"name: test\ncloud: alibaba\nseed: 3\nclock: {clock}\npropagation: {{ imds: fixed(2s) }}\n{Topology}\nsteps:\n{steps}\n";

    private static Task<RunReport> RunAsync(string clock, string steps) =>
        RunCommand.RunEmbeddedAsync(ScenarioParser.Parse("test.yaml", Scenario(clock, steps)), RunProgress.None).WaitAsync(TimeSpan.FromMinutes(2));

    /// <summary>
    /// Runs the scenario as <c>run</c> does on the embedded harness, then looks at that harness through its ECS and VPC
    /// APIs before it goes: what is left of every kind the clean-up removes, all of them, not only the run's names.
    /// </summary>
    private static async Task<(RunReport Report, string Left)> RunAndLookAsync(string text)
    {
        var scenario = ScenarioParser.Parse("test.yaml", text);
        var virtualTime = scenario.Clock == ClockMode.Virtual ? new VirtualTimeProvider(TimeProvider.System.GetUtcNow()) : null;
        await using var app = HarnessApp.Build(new HarnessHostOptions(0, 0, scenario.Seed), virtualTime);
        await app.StartAsync();
        ScenarioClock clock = virtualTime is null ? new RealScenarioClock(app.Services.GetRequiredService<TimeProvider>()) : new VirtualScenarioClock(virtualTime);
        var ecsUrl = new Uri(app.EcsUrl + "/");
        var report = await ScenarioRunner.RunAsync(scenario, new Uri(app.Ec2Url + "/"), "embedded", clock, RunProgress.None, ecsEndpoint: ecsUrl)
            .WaitAsync(TimeSpan.FromMinutes(2));

        using var http = new HttpClient();
        var ecs = new EcsClient(http, ecsUrl, scenario.Region);
        var left = new List<string>();
        foreach (var (action, set, item, id) in new[]
        {
            ("DescribeInstances", "Instances", "Instance", "InstanceId"),
            ("DescribeNetworkInterfaces", "NetworkInterfaceSets", "NetworkInterfaceSet", "NetworkInterfaceId"),
            ("DescribeSecurityGroups", "SecurityGroups", "SecurityGroup", "SecurityGroupId"),
            ("DescribeVSwitches", "VSwitches", "VSwitch", "VSwitchId"),
            ("DescribeVpcs", "Vpcs", "Vpc", "VpcId"),
        })
        {
            var reply = await ecs.CallAsync(action, CancellationToken.None, ("PageSize", "50"));
            var ids = EcsClient.Items(reply, set, item).Select(i => $"{EcsClient.Text(i, id)} {EcsClient.Text(i, "Status")}");
            if (reply["TotalCount"]!.GetValue<int>() is > 0 and var total)
            {
                left.Add($"{total} from {action}: {string.Join(", ", ids)}");
            }
        }

        await app.StopAsync(CancellationToken.None);
        return (report, string.Join("; ", left));
    }

    private static string Failures(RunReport report) =>
        report.Error ?? string.Join("\n", report.Expectations.Where(e => !e.Passed).Select(e => $"{e.Description}: {e.Evidence}"));

    [Theory]
    [InlineData("real")]
    [InlineData("virtual")]
    public async Task Set_up_and_every_step_go_through_the_ecs_api_and_the_clean_up_leaves_nothing(string clock)
    {
        var (report, left) = await RunAndLookAsync(Scenario(clock, """
              - expect: { api: primary, equals: [10.0.1.10, 10.0.1.50] }
              - expect: { imds: primary, equals: [10.0.1.10, 10.0.1.50] }
              - unassign: { instance: primary, ips: [10.0.1.50] }
              - assign: { instance: standby, ips: [10.0.1.50] }
              - expect: { api: primary, lacks: 10.0.1.50 }
              - expect: { api: standby, has: 10.0.1.50 }
              - expect: { imds: standby, lacks: 10.0.1.50 }
              - expect: { imds: standby, has: 10.0.1.50, within: 10s }
              - attach: { interface: spare, instance: standby, device: 1 }
              - expect: { api: standby, device: 1, equals: [10.0.1.80, 10.0.1.81] }
              - expect: { imds: standby, device: 1, has: 10.0.1.81, within: 10s }
              - detach: spare
              - expect: { api: spare, equals: [10.0.1.80, 10.0.1.81] }
              - expect: { imds: standby, lacks: 10.0.1.81, within: 10s }
              - stop: standby
              - expect: { api: standby, state: stopped }
              - start: standby
              - expect: { api: standby, state: running }
              - terminate: primary
              - expect: { api: primary, state: terminated, within: 30s }
              - attach: { interface: spare, instance: standby, device: 1 }
            """));

        Assert.True(report.Passed, Failures(report));
        Assert.All(report.Steps, s => Assert.Equal("ok", s.Outcome));
        Assert.Equal(13, report.Expectations.Count);
        Assert.StartsWith("eni-", report.Instances.Single(i => i.Name == "standby").Interfaces[0].NetworkInterfaceId, StringComparison.Ordinal);

        // standby went with spare still attached (detached by the delete, then deleted); primary was gone already.
        Assert.Equal("cleaned up: 1 instance, 1 interface, 1 security group, 1 vSwitch, 1 VPC", report.CleanUp);
        Assert.Equal("", left);
    }

    [Fact]
    public async Task An_address_another_eni_holds_is_refused_as_ecs_refuses_it_and_the_run_stops()
    {
        var report = await RunAsync("virtual", """
              - assign: { instance: standby, ips: [10.0.1.50] }
              - expect: { api: standby, has: 10.0.1.50 }
            """);

        Assert.False(report.Passed);
        Assert.Contains("AssignPrivateIpAddresses failed: InvalidPrivateIpAddress.Duplicated", report.Error, StringComparison.Ordinal);
        Assert.StartsWith("not judged", report.Expectations.Single().Evidence, StringComparison.Ordinal);
    }
    [Fact]
    public async Task A_load_block_drives_the_ecs_api_and_reads_alibaba_metadata_and_its_fleet_is_cleaned_up_too()
    {
        var (report, left) = await RunAndLookAsync($$"""
                name: test
                cloud: alibaba
                region: cn-beijing
                seed: 3
                clock: real
                propagation: { imds: fixed(300ms) }
                load: { workload: churn, rate: 20, instances: 4, poll-interval: 100ms, warm-up: 0s }
                {{Topology}}
                steps:
                  - sleep: 12s
                """);

        Assert.True(report.Passed, Failures(report));
        var load = Assert.Single(report.Loads);
        Assert.Equal((LoadRunReport.Stopped, "the steps ended"), (load.Outcome, load.Detail));
        var result = load.Report!;

        // It drove the ECS port (an Alibaba run names it beside the control API), its churn moved addresses there with no failure
        // but what the stop cut off, and its pollers saw the moves in Alibaba's metadata tree.
        Assert.Contains("(control API ", result.Target, StringComparison.Ordinal);
        Assert.True(load.Calls > 20, $"{load.Calls} calls");
        Assert.All(result.Scenarios.SelectMany(s => s.Steps).SelectMany(t => t.FailuresByCode), f => Assert.Equal("stopped", f.Code));
        Assert.True(result.Convergence!.Converged > 0, $"{result.Convergence.Converged} of {result.Convergence.Changes} changes converged");

        // The fleet's VPCs (the load's own, built in the scenario's region beside the topology's one) went with everything
        // the churn left in them.
        Assert.Equal("", left);
        Assert.Matches(@"^cleaned up: [6-9] instances, ([0-9]+ interfaces?, )?[2-9] security groups, [2-9] vSwitches, [2-9] VPCs$", report.CleanUp);
    }

    /// <summary>What a client adds inside the run's VPC is the run's too: an ENI (attached to its instance), a group and a vSwitch.</summary>
    [Fact]
    public async Task What_a_client_adds_in_the_runs_vpc_is_cleaned_up_with_it()
    {
        const string Adds = """
            a=${ALIBABA_CLOUD_ECS_ENDPOINT%/}; q="RegionId=$ALIBABA_CLOUD_REGION_ID&Format=JSON"
            call() { curl -sf "$a/?Version=$1&$q&Action=$2"; }
            me=$(call 2014-05-26 "DescribeInstances&InstanceIds=%5B%22$HARNESS_INSTANCE_ID%22%5D")
            pick() { echo "$me" | grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
            vpc=$(pick VpcId); vsw=$(pick VSwitchId); zone=$(pick ZoneId); sg=$(echo "$me" | grep -o 'sg-[0-9a-z]*' | head -1)
            eni=$(call 2014-05-26 "CreateNetworkInterface&VSwitchId=$vsw&SecurityGroupId=$sg" | grep -o 'eni-[0-9a-z]*')
            call 2014-05-26 "AttachNetworkInterface&NetworkInterfaceId=$eni&InstanceId=$HARNESS_INSTANCE_ID" >/dev/null
            until call 2014-05-26 "DescribeNetworkInterfaces&NetworkInterfaceId.1=$eni" | grep -q '"Status":"InUse"'; do sleep 0.1; done
            call 2014-05-26 "CreateSecurityGroup&VpcId=$vpc" >/dev/null
            call 2016-04-28 "CreateVSwitch&VpcId=$vpc&ZoneId=$zone&CidrBlock=10.0.9.0/24" >/dev/null
            echo "$eni"
            """;
        var (report, left) = await RunAndLookAsync(Scenario("real", $$"""
              - client: { name: adds, instance: standby, run: {{JsonSerializer.Serialize(Adds)}}, timeout: 30s }
              - expect: { client: adds, exitCode: 0 }
            """));

        Assert.True(report.Passed, Failures(report) + " " + report.Clients.SingleOrDefault()?.Stderr);
        Assert.StartsWith("eni-", report.Clients.Single().Stdout, StringComparison.Ordinal);
        Assert.Equal("cleaned up: 2 instances, 2 interfaces, 2 security groups, 2 vSwitches, 1 VPC", report.CleanUp);
        Assert.Equal("", left);
    }
}
