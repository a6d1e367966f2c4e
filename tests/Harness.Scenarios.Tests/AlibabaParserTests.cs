using Harness.Domain.Clouds;
using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;

namespace Harness.Scenarios.Tests;

/// <summary><c>cloud:</c> at the top of a scenario: aws by default, alibaba with Alibaba's words, regions, zones and types.</summary>
public sealed class AlibabaParserTests
{
    private const string Topology = """
        topology:
          vpcs:
            - name: main
              cidr: 10.0.0.0/16
              vswitches:
                - { name: a, cidr: 10.0.1.0/24 }
          instances:
            - { name: primary, subnet: a }
            - { name: standby, subnet: a, type: ecs.g7.large }
        steps:
          - assign: { instance: primary, ips: [10.0.1.50] }
        """;

    private static ScenarioError Single(string text) =>
        Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors);

    [Fact]
    public void A_scenario_is_aws_unless_it_says_otherwise()
    {
        var scenario = ScenarioParser.Load(Scenarios.Shipped("vip-failover.yaml"));

        Assert.Equal((Cloud.Aws, "us-east-1"), (scenario.Cloud, scenario.Region));
    }

    [Fact]
    public void Cloud_alibaba_takes_vswitches_and_defaults_to_cn_hangzhou_and_an_ecs_type()
    {
        var scenario = ScenarioParser.Parse("s.yaml", $"name: t\ncloud: alibaba\n{Topology}\n");

        Assert.Equal((Cloud.Alibaba, "cn-hangzhou"), (scenario.Cloud, scenario.Region));
        Assert.Equal(("a", "10.0.1.0/24", "main"), (scenario.Topology.Subnets.Single().Name, scenario.Topology.Subnets.Single().Cidr, scenario.Topology.Subnets.Single().Vpc));
        Assert.Equal(["ecs.g7.large", "ecs.g7.large"], scenario.Topology.Instances.Select(i => i.Type));
    }

    [Fact]
    public void The_shipped_alibaba_failover_parses_as_alibaba()
    {
        var scenario = ScenarioParser.Load(Scenarios.Shipped("vip-failover-alibaba.yaml"));

        Assert.Equal((Cloud.Alibaba, "cn-hangzhou"), (scenario.Cloud, scenario.Region));
        Assert.Equal("cn-hangzhou-h", scenario.Topology.Subnets.Single().Zone);
        Assert.Equal("./clients/take-vip-alibaba.sh 10.0.1.50", scenario.AllSteps.OfType<ClientStep>().Single().Run);
    }

    [Fact]
    public void An_unknown_cloud_is_an_error_where_it_is_written()
    {
        var error = Single($"name: t\ncloud: gcp\n{Topology.Replace("vswitches:", "subnets:", StringComparison.Ordinal).Replace("subnet: a }", "subnet: a, type: m5.large }", StringComparison.Ordinal)}\n");

        Assert.Equal("'cloud' must be aws or alibaba, not 'gcp'.", error.Message);
        Assert.Equal(new SourceMark(2, 8), error.Mark);
    }

    [Fact]
    public void An_alibaba_scenario_checks_its_region()
    {
        var error = Single($"name: t\ncloud: alibaba\nregion: us-east-2\n{Topology}\n");

        Assert.Equal("'region' must be an Alibaba Cloud region such as cn-hangzhou, not 'us-east-2'.", error.Message);
        Assert.Equal(3, error.Mark.Line);
    }

    [Fact]
    public void Vswitches_are_alibaba_words_an_aws_scenario_does_not_take()
    {
        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", $"name: t\n{Topology}\n")).Errors;

        var error = Assert.Single(errors, e => e.Message.Contains("'vswitches'", StringComparison.Ordinal));
        Assert.Equal(6, error.Mark.Line);
    }

    [Fact]
    public void An_alibaba_vswitch_zone_is_one_of_the_regions()
    {
        var error = Single($"name: t\ncloud: alibaba\n{Topology.Replace("10.0.1.0/24 }", "10.0.1.0/24, zone: us-east-1a }", StringComparison.Ordinal)}\n");

        Assert.StartsWith("vSwitch a's zone must be one of cn-hangzhou's (cn-hangzhou-h, ", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Mark.Line);
    }

    [Theory]
    [InlineData("  - assign: { instance: primary, ips: [10.0.1.60], allowReassignment: true }", "'allowReassignment' is EC2's")]
    [InlineData("  - reassign: { ip: 10.0.1.50, to: standby }", "'reassign' needs AllowReassignment")]
    [InlineData("  - assign: { instance: primary, ips: [10.0.1.253] }", "10.0.1.253 is reserved in 10.0.1.0/24 (a vSwitch keeps its first address and its last three).")]
    public void An_alibaba_scenario_refuses_what_ecs_cannot_do(string step, string message)
    {
        var error = Single($"name: t\ncloud: alibaba\n{Topology}\n{step}\n");

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(14, error.Mark.Line);
    }

    [Fact]
    public void An_alibaba_instance_type_is_an_ecs_one()
    {
        var error = Single($"name: t\ncloud: alibaba\n{Topology.Replace("type: ecs.g7.large", "type: m5.large", StringComparison.Ordinal)}\n");

        Assert.Equal("Instance standby's type must be an ECS instance type such as ecs.g7.large, not 'm5.large'.", error.Message);
        Assert.Equal(11, error.Mark.Line);
    }
}
