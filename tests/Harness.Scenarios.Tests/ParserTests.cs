using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;

namespace Harness.Scenarios.Tests;

public sealed class ParserTests
{
    [Fact]
    public void The_issue_example_parses_into_its_steps_in_order()
    {
        var scenario = ScenarioParser.Load(Scenarios.Shipped("vip-failover.yaml"));

        Assert.Equal("vip-failover", scenario.Name);
        Assert.Equal(ClockMode.Real, scenario.Clock);
        Assert.Equal("lognormal(median=800ms,p99=6s)", scenario.Propagation!.Imds);
        Assert.Equal(["primary", "standby"], scenario.Topology.Instances.Select(i => i.Name));
        var assign = Assert.IsType<AssignStep>(scenario.Steps[0]);
        Assert.Equal(new InterfaceRef("primary", null, 0), assign.Target);
        Assert.Equal(["10.0.1.50"], assign.Ips);
        var expect = Assert.IsType<MetadataExpectation>(scenario.Steps[1]);
        Assert.Equal((AddressMatch.Has, TimeSpan.FromSeconds(10)), (expect.Match, expect.Within!.Value));
        var client = Assert.IsType<ClientStep>(scenario.Steps[2]);
        Assert.Equal(("failover-agent", "standby", "./clients/take-vip.sh 10.0.1.50", TimeSpan.FromSeconds(60)),
            (client.Name, client.Instance, client.Run, client.Timeout));
        var verdict = Assert.IsType<ClientExpectation>(scenario.Steps[^1]);
        Assert.Equal((0, "10.0.1.50"), (verdict.ExitCode, verdict.WaitedForImds));
    }

    [Fact]
    public void Command_line_variables_seed_and_clock_override_the_file()
    {
        var scenario = ScenarioParser.Load(Scenarios.Shipped("vip-failover.yaml"),
            new ScenarioOverrides(Seed: 42, Clock: ClockMode.Real, new Dictionary<string, string> { ["agent"] = "./clients/naive-take-vip.sh" }));

        Assert.Equal(42, scenario.Seed);
        Assert.Equal("./clients/naive-take-vip.sh 10.0.1.50", scenario.AllSteps.OfType<ClientStep>().Single().Run);
    }

    [Fact]
    public void Every_step_kind_reads_with_its_options()
    {
        var scenario = ScenarioParser.Parse("t.yaml", Scenarios.With("""
              - assign: { instance: primary, device: 0, count: 2, allowReassignment: true }
              - assign: { interface: spare, prefixes: [10.0.1.64/28] }
              - assign: { instance: primary, prefixes: 2 }
              - reassign: { ip: 10.0.1.50, to: { instance: standby, device: 0 } }
              - reassign: { ip: 10.0.1.51, to: spare }
              - unassign: { instance: primary, ips: [10.0.1.50], prefixes: [10.0.1.64/28] }
              - attach: { interface: spare, instance: standby, device: 1 }
              - detach: { interface: spare, force: true }
              - detach: spare
              - associate: { eip: service-ip, ip: 10.0.1.10, allowReassociation: true }
              - associate: { eip: service-ip, instance: standby }
              - disassociate: service-ip
              - stop: { instance: primary, force: true }
              - start: primary
              - terminate: standby
              - propagation: { imds: "uniform(1s,2s)", kinds: { elastic-ips: never }, instances: { primary: fixed(1s) }, interfaces: { spare: default }, reorder: true }
              - propagation: flush
              - sleep: 1.5s
              - at: 30s
                expect: { api: primary, state: stopped }
              - expect: { imds: standby, device: 1, equals: [10.0.1.80], during: 5s }
              - expect: { api: spare, lacks: [10.0.1.50, service-ip], within: 2m }
              - parallel:
                  - sleep: 1s
                  - repeat: { times: 3, steps: [ { sleep: 100ms } ] }
            """));

        Assert.Equal(22, scenario.Steps.Count);
        Assert.Equal(2, Assert.IsType<AssignStep>(scenario.Steps[0]).Count);
        Assert.True(((AssignStep)scenario.Steps[0]).AllowReassignment);
        Assert.Equal(["10.0.1.64/28"], ((AssignStep)scenario.Steps[1]).Prefixes);
        Assert.Equal(2, ((AssignStep)scenario.Steps[2]).PrefixCount);
        Assert.Equal(new InterfaceRef("spare", null, 0), ((ReassignStep)scenario.Steps[4]).To);
        Assert.True(((DetachStep)scenario.Steps[7]).Force);
        Assert.Equal(new InterfaceRef("standby", null, 0), ((AssociateStep)scenario.Steps[10]).Target);
        Assert.Equal((InstanceAction.Stop, true), (((InstanceStep)scenario.Steps[12]).Action, ((InstanceStep)scenario.Steps[12]).Force));
        var propagation = ((PropagationStep)scenario.Steps[15]).Change;
        Assert.Equal(("uniform(1s,2s)", "never", "fixed(1s)", true), (propagation.Imds, propagation.Kinds["elastic-ips"], propagation.Instances["primary"], propagation.Reorder!.Value));
        Assert.Null(propagation.Interfaces["spare"]);
        Assert.True(((PropagationStep)scenario.Steps[16]).Change.Flush);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ((SleepStep)scenario.Steps[17]).Duration);
        Assert.Equal(TimeSpan.FromSeconds(30), scenario.Steps[18].At);
        Assert.Equal("stopped", ((ApiExpectation)scenario.Steps[18]).State);
        Assert.Equal(TimeSpan.FromSeconds(5), ((MetadataExpectation)scenario.Steps[19]).During);
        Assert.Equal(TimeSpan.FromMinutes(2), ((ApiExpectation)scenario.Steps[20]).Within);
        var parallel = Assert.IsType<ParallelStep>(scenario.Steps[21]);
        Assert.Equal(3, Assert.IsType<RepeatStep>(parallel.Steps[1]).Times);
    }

    [Theory]
    [InlineData("name: x\n  bad: [", 2, "not valid YAML")]
    [InlineData("name: x\nclock: sometimes\n", 2, "'clock' must be real or virtual, not 'sometimes'")]
    [InlineData("name: x\nregion: us-east1\n", 2, "'region' must be an AWS region such as us-east-1, not 'us-east1'")]
    public void Invalid_yaml_and_values_name_their_line(string text, int line, string message)
    {
        var error = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors
            .First(e => e.Message.Contains(message, StringComparison.Ordinal));

        Assert.Equal(line, error.Mark.Line);
        Assert.Contains(message, error.Message);
        Assert.StartsWith($"s.yaml:{line}:", error.ToString());
    }

    [Theory]
    [InlineData("  - assign: { instance: primary, ipz: [10.0.1.50] }", 1, 34, "Unknown key 'ipz' in assign; expected one of instance, interface")]
    [InlineData("  - assign: { instance: primry, ips: [10.0.1.50] }", 1, 5, "No instance is named 'primry'. Instances: primary, standby.")]
    [InlineData("  - assign: { instance: primary, ips: [10.0.2.50] }", 1, 5, "10.0.2.50 is outside the subnet of primary (10.0.1.0/24)")]
    [InlineData("  - assign: { instance: primary, ips: [10.0.1.255] }", 1, 5, "10.0.1.255 is reserved in 10.0.1.0/24")]
    [InlineData("  - assign: { instance: primary, ips: [10.0.1.500] }", 1, 5, "'10.0.1.500' is not an IPv4 address")]
    [InlineData("  - assign: { instance: primary, device: 1, ips: [10.0.1.50] }", 1, 5, "Instance primary has no interface at device 1")]
    [InlineData("  - reassign: { ip: 10.0.1.50, to: nobody }", 1, 5, "No instance is named 'nobody'")]
    [InlineData("  - expect: { imds: standby, has: 10.0.9.50, within: 10s }", 1, 5, "10.0.9.50 is not in any subnet of the topology")]
    [InlineData("  - expect: { imds: standby, has: vip, within: 10s }", 1, 5, "'vip' is neither an address nor an Elastic IP's name. Elastic IPs: service-ip.")]
    [InlineData("  - expect: { client: agent, exitCode: 0 }", 1, 5, "No client named 'agent' runs before this expectation")]
    [InlineData("  - expect: { imds: standby, has: 10.0.1.50, within: soon }", 1, 54, "'within' in expect must be a duration such as 500ms")]
    [InlineData("  - expect: { imds: standby, has: 10.0.1.50, within: 1s, during: 2s }", 1, 13, "within (comes true by then) or during")]
    [InlineData("  - detach: { interface: spare }\n    sleep: 1s", 1, 5, "A step does one thing; this one has detach and sleep")]
    [InlineData("  - propagation: { imds: \"lognormal(median=1s,p99=0.5s)\" }", 1, 51, "'imds' is not a delay spec: lognormal p99 500ms must be greater than the median 1s")]
    [InlineData("  - propagation: { kinds: { private-ips: never } }", 1, 29, "Unknown key 'private-ips'")]
    [InlineData("  - client: { name: a, instance: primary, run: ./x.sh }", 1, 5, "client steps run real programs, which need clock: real")]
    [InlineData("  - assign: { instance: primary, ips: [\"${vip}\"] }", 1, 40, "Unknown variable ${vip}")]
    [InlineData("  - attach: { interface: spare, instance: standby, device: 0 }", 1, 60, "'device' in attach must be a whole number from 1 to 31")]
    public void Bad_steps_are_pointed_at_before_anything_runs(string steps, int stepLine, int column, string message)
    {
        var text = Scenarios.With(steps);
        var firstStepLine = text.Split('\n').ToList().IndexOf("steps:") + 2;

        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors;

        var error = Assert.Single(errors);
        Assert.Contains(message, error.Message);
        Assert.Equal(new SourceMark(firstStepLine + stepLine - 1, column), error.Mark);
    }

    [Fact]
    public void A_spec_cut_at_its_comma_inside_braces_gets_a_hint_to_quote_it()
    {
        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", Scenarios.With("  - propagation: { imds: lognormal(median=1s,p99=6s) }"))).Errors;

        Assert.Contains(errors, e => e.Message.Contains("quote a spec that has commas", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""
          - parallel:
              - client: { name: c, instance: primary, run: ./x.sh }
              - expect: { client: c, exitCode: 0 }
        """, "Client 'c' has not finished by this expectation")]
    [InlineData("""
          - at: 5s
            client: { name: c, instance: primary, run: ./x.sh }
          - expect: { client: c, exitCode: 0 }
        """, "Client 'c' has not finished by this expectation")]
    [InlineData("""
          - client: { name: c, instance: primary, run: ./x.sh }
          - at: 5s
            expect: { client: c, exitCode: 0 }
        """, "An expectation on a client cannot have at:")]
    [InlineData("""
          - at: 1s
            parallel:
              - client: { name: c, instance: primary, run: ./x.sh }
          - expect: { client: c, exitCode: 0 }
        """, "Client 'c' has not finished by this expectation")]
    [InlineData("""
          - repeat:
              times: 2
              steps: [ { client: { name: c, instance: primary, run: ./x.sh } } ]
        """, "A client step cannot be inside repeat")]
    public void A_client_is_judged_only_after_it_has_run_once_in_order(string steps, string message)
    {
        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", Scenarios.With(steps, "clock: real"))).Errors;

        Assert.Contains(message, Assert.Single(errors).Message);
    }

    [Fact]
    public void A_client_after_its_parallel_group_can_be_judged()
    {
        var scenario = ScenarioParser.Parse("s.yaml", Scenarios.With("""
              - parallel:
                  - client: { name: c, instance: primary, run: ./x.sh }
                  - sleep: 1s
              - expect: { client: c, exitCode: 0 }
            """, "clock: real"));

        Assert.IsType<ClientExpectation>(scenario.Steps[^1]);
    }

    [Fact]
    public void An_address_given_twice_in_the_topology_is_refused()
    {
        var text = Scenarios.With("  - sleep: 1s").Replace("privateIp: 10.0.1.80", "privateIp: 10.0.1.20", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors);

        Assert.Equal("10.0.1.20 is given to instance standby and to interface spare; an address has one holder.", error.Message);
    }

    [Fact]
    public void A_tab_in_the_indentation_is_pointed_at()
    {
        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", "name: x\nsteps:\n  - sleep: 1s\n\t- sleep: 2s\n")).Errors);

        Assert.Equal((new SourceMark(4, 1), "This is not valid YAML: a tab in the indentation; YAML indents with spaces only."), (error.Mark, error.Message));
    }

    [Fact]
    public void Every_problem_is_listed_at_once_in_file_order()
    {
        var text = Scenarios.With("""
              - assign: { instance: ghost, ips: [10.0.1.50] }
              - stop: phantom
              - expect: { imds: primary, has: 10.0.9.9 }
            """);

        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors;

        Assert.Equal(3, errors.Count);
        Assert.Equal(errors.OrderBy(e => e.Mark.Line), errors);
        Assert.Contains("ghost", errors[0].Message);
        Assert.Contains("phantom", errors[1].Message);
        Assert.Contains("10.0.9.9", errors[2].Message);
    }

    [Theory]
    [InlineData("- { name: c, cidr: 10.1.0.0/24 }", "Subnet c (10.1.0.0/24) is not inside VPC main (10.0.0.0/16)")]
    [InlineData("- { name: c, cidr: 10.0.1.128/25 }", "overlaps subnet a (10.0.1.0/24)")]
    [InlineData("- { name: a, cidr: 10.0.3.0/24 }", "Two subnets are named 'a'")]
    [InlineData("- { name: c, cidr: 10.0.3.0/8 }", "must be a block from /16 to /28")]
    public void Topology_problems_are_found(string subnet, string message)
    {
        var text = Scenarios.With("  - sleep: 1s").Replace("        - { name: b, cidr: 10.0.2.0/24 }", "        " + subnet, StringComparison.Ordinal);

        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors;

        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_elastic_ip_must_start_on_an_address_the_topology_gives_out()
    {
        var text = Scenarios.With("  - sleep: 1s").Replace("    - service-ip", "    - { name: service-ip, privateIp: 10.0.1.77 }", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", text)).Errors);

        Assert.Contains("no instance or interface in the topology is given that address", error.Message);
    }

    [Fact]
    public void Missing_parts_are_named()
    {
        var errors = Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Parse("s.yaml", "seed: 1\n")).Errors;

        Assert.Contains(errors, e => e.Message.Contains("needs 'name'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("needs 'topology'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("needs 'steps'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreadable_file_is_an_error_too()
    {
        var error = Assert.Single(Assert.Throws<ScenarioInvalidException>(() => ScenarioParser.Load("/nonexistent/x.yaml")).Errors);

        Assert.Contains("Cannot read the scenario file", error.Message);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_read_with_their_unit(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("25h")]
    public void Durations_without_a_unit_or_out_of_range_are_refused(string text) => Assert.False(Durations.TryParse(text, out _));
}
