using Harness.Domain.Delays;
using Harness.Domain.Faults;

namespace Harness.Domain.Tests.Faults;

public sealed class FaultSpecParserTests
{
    private static readonly string[] Served =
    [
        "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses", "DescribeInstances", "DescribeNetworkInterfaces", "RunInstances",
    ];

    [Fact]
    public void Parse_ImdsThrottleBare_FillsPpsAndHold()
    {
        var spec = FaultSpec.Parse("imds-throttle");

        Assert.Equal(FaultKinds.ImdsThrottle, spec.Kind);
        Assert.Equal(1024, spec.Pps);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.Hold);
        Assert.True(spec.IsMetadata);
        Assert.Equal("imds-throttle(pps=1024, hold=30s)", spec.ToString());
    }

    [Fact]
    public void Parse_ImdsErrorBare_FillsStatus503AndRate1()
    {
        var spec = FaultSpec.Parse("imds-error");

        Assert.Equal(503, spec.Status);
        Assert.Equal(1, spec.Rate);
        Assert.Equal("imds-error(status=503, rate=1)", spec.ToString());
    }

    [Fact]
    public void Parse_ImdsTokenErrorBare_FillsStatus500AndRate1()
    {
        var spec = FaultSpec.Parse("imds-token-error");

        Assert.Equal(500, spec.Status);
        Assert.Equal(1, spec.Rate);
    }

    [Fact]
    public void Parse_Ec2ErrorBare_FillsInternalErrorAndRate1()
    {
        var spec = FaultSpec.Parse("ec2-error");

        Assert.Equal("InternalError", spec.Code);
        Assert.Equal(1, spec.Rate);
        Assert.False(spec.IsMetadata);
        Assert.Null(spec.Action);
        Assert.Equal("ec2-error(code=InternalError, rate=1)", spec.ToString());
    }

    [Fact]
    public void Parse_ImdsFlapBare_FillsPrivateIpv4sOnceEverySecond()
    {
        var spec = FaultSpec.Parse("imds-flap");

        Assert.Equal("private-ipv4s", spec.ChangeKind);
        Assert.Equal(1, spec.Times);
        Assert.Equal(TimeSpan.FromSeconds(1), spec.Interval);
    }

    [Fact]
    public void Parse_ImdsStaleBare_FillsRate1AndAge10s()
    {
        var spec = FaultSpec.Parse("imds-stale");

        Assert.Equal(1, spec.Rate);
        Assert.Equal(TimeSpan.FromSeconds(10), spec.Age);
    }

    [Fact]
    public void Parse_ImdsHotplugBare_FillsLasts2s()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), FaultSpec.Parse("imds-hotplug").Lasts);
    }

    [Fact]
    public void Parse_Ec2ThrottleBare_FillsScale1Only()
    {
        var spec = FaultSpec.Parse("ec2-throttle");

        Assert.Equal(1, spec.Scale);
        Assert.Null(spec.Capacity);
        Assert.Null(spec.Refill);
        Assert.Equal("ec2-throttle(scale=1)", spec.ToString());
    }

    [Fact]
    public void Parse_ImdsStuckBare_HasNoDefaults()
    {
        var spec = FaultSpec.Parse("imds-stuck");

        Assert.Null(spec.ChangeKind);
        Assert.Equal("imds-stuck", spec.ToString());
    }

    [Fact]
    public void Parse_KindsWithRequiredArguments_KeepTheGivenValues()
    {
        var never = FaultSpec.Parse("imds-never(kind=elastic-ips)");
        var latency = FaultSpec.Parse("imds-latency(delay=fixed(250ms))");
        var ec2Latency = FaultSpec.Parse("ec2-latency(delay=fixed(1s))");
        var lag = FaultSpec.Parse("ec2-lag(delay=uniform(1s,2s))");

        Assert.Equal("elastic-ips", never.ChangeKind);
        Assert.Equal(TimeSpan.FromMilliseconds(250), Assert.IsType<FixedDelay>(latency.Delay).Value);
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.IsType<FixedDelay>(ec2Latency.Delay).Value);
        var uniform = Assert.IsType<UniformDelay>(lag.Delay);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), (uniform.Min, uniform.Max));
    }

    [Fact]
    public void All_EveryKind_ParsesWithItsRequiredArguments()
    {
        foreach (var kind in FaultKinds.All)
        {
            var text = kind switch
            {
                FaultKinds.ImdsLatency or FaultKinds.Ec2Latency or FaultKinds.Ec2Lag or FaultKinds.EcsLatency => $"{kind}(delay=fixed(1s))",
                FaultKinds.ImdsNever => $"{kind}(kind=security-groups)",
                _ => kind,
            };

            var spec = FaultSpec.Parse(text);

            Assert.Equal(kind, spec.Kind);
            Assert.Equal(spec.ToString(), FaultSpec.Parse(spec.ToString()).ToString());
        }

        Assert.Equal(16, FaultKinds.All.Count);
    }

    [Fact]
    public void Parse_GivenArguments_OverrideDefaults()
    {
        var spec = FaultSpec.Parse("imds-throttle(pps=10, hold=500ms)");

        Assert.Equal(10, spec.Pps);
        Assert.Equal(TimeSpan.FromMilliseconds(500), spec.Hold);
    }

    [Theory]
    [InlineData("imds-error(rate=0.25)", 0.25)]
    [InlineData("imds-error(rate=25%)", 0.25)]
    [InlineData("imds-error(rate = 25 %)", 0.25)]
    [InlineData("imds-error(rate=30%)", 0.3)]
    [InlineData("imds-error(rate=100%)", 1.0)]
    [InlineData("imds-error(rate=0)", 0.0)]
    [InlineData("imds-error(rate=0%)", 0.0)]
    [InlineData("imds-error(rate=1)", 1.0)]
    [InlineData("imds-error(rate=0.5%)", 0.005)]
    public void Parse_Rate_DecimalOrPercent(string text, double rate)
    {
        Assert.Equal(rate, FaultSpec.Parse(text).Rate);
    }

    [Fact]
    public void Parse_RateAsPercent_FormatsAsFraction()
    {
        Assert.Equal("imds-error(status=500, rate=0.25)", FaultSpec.Parse("imds-error(rate=25%, status=500)").ToString());
    }

    [Fact]
    public void Parse_NestedDelayWithCommas_ReadsDelayAndFollowingArguments()
    {
        var spec = FaultSpec.Parse("imds-latency(delay=lognormal(median=200ms,p99=2s), instance=i-0abc)");

        var delay = Assert.IsType<LogNormalDelay>(spec.Delay);
        Assert.Equal(Math.Log(0.2), delay.Mu, 12);
        Assert.Equal("i-0abc", spec.Instance);
        Assert.Null(spec.Interface);
        Assert.Equal("imds-latency(delay=lognormal(median=200ms,p99=2s), instance=i-0abc)", spec.ToString());
    }

    [Fact]
    public void Parse_NestedMixDelay_ReadsEveryComponent()
    {
        var spec = FaultSpec.Parse("ec2-latency(delay=mix(0.9:fixed(100ms),0.1:uniform(1s,2s)), action=Describe*, for=1m)");

        var mix = Assert.IsType<MixDelay>(spec.Delay);
        Assert.Equal([0.9, 0.1], mix.Components.Select(c => c.Weight));
        Assert.Equal("Describe*", spec.Action);
        Assert.Equal(TimeSpan.FromMinutes(1), spec.For);
    }

    [Fact]
    public void Parse_AllCommonArguments_AreRead()
    {
        var spec = FaultSpec.Parse("imds-error(status=500, rate=30%, instance=i-0abc, interface=eni-0def, for=20s, seed=42)");

        Assert.Equal(500, spec.Status);
        Assert.Equal(0.3, spec.Rate);
        Assert.Equal("i-0abc", spec.Instance);
        Assert.Equal("eni-0def", spec.Interface);
        Assert.Equal(TimeSpan.FromSeconds(20), spec.For);
        Assert.Equal(42, spec.Seed);
    }

    [Theory]
    [InlineData("imds-throttle(pps=1024, hold=30s)")]
    [InlineData("imds-latency(delay=lognormal(median=200ms,p99=2s), instance=i-0abc)")]
    [InlineData("imds-latency(delay=mix(0.5:fixed(1s),0.5:exponential(mean=90s)), interface=eni-0def, for=1m, seed=7)")]
    [InlineData("imds-error(status=500, rate=0.3, instance=i-0abc, for=20s)")]
    [InlineData("imds-token-error(status=404, rate=0.01)")]
    [InlineData("imds-stuck(kind=interface-attached, instance=i-1)")]
    [InlineData("imds-stuck")]
    [InlineData("imds-never(kind=instance-terminated)")]
    [InlineData("imds-flap(kind=security-groups, times=3, interval=1500.5ms)")]
    [InlineData("imds-stale(rate=0.5, age=2m)")]
    [InlineData("imds-hotplug(lasts=0.0001ms, interface=eni-1)")]
    [InlineData("ec2-throttle(scale=0.1, capacity=3, refill=0.5, action=Describe*)")]
    [InlineData("ec2-error(code=RequestLimitExceeded, rate=0.0000000001, action=RunInstances, instance=i-1, interface=eni-2, for=1440m, seed=2147483647)")]
    [InlineData("ec2-latency(delay=normal(mean=1s,stddev=200ms))")]
    [InlineData("ec2-lag(delay=pareto(scale=1s,shape=1.5), action=DescribeInstances)")]
    public void ToString_CanonicalSpec_RoundTrips(string text)
    {
        var spec = FaultSpec.Parse(text);

        Assert.Equal(text, spec.ToString());
        Assert.Equal(text, FaultSpec.Parse(spec.ToString()).ToString());
    }

    [Theory]
    [InlineData(" imds-error ( rate = 50% , for = 60s ) ", "imds-error(status=503, rate=0.5, for=1m)")]
    [InlineData("imds-error()", "imds-error(status=503, rate=1)")]
    [InlineData("ec2-error(seed=1, action=Get*, code=Unavailable)", "ec2-error(code=Unavailable, rate=1, action=Get*, seed=1)")]
    [InlineData("imds-throttle(hold=30000ms, pps=1024.0)", "imds-throttle(pps=1024, hold=30s)")]
    public void ToString_NonCanonicalSpelling_IsCanonicalAndStable(string text, string canonical)
    {
        var spec = FaultSpec.Parse(text);

        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(canonical, FaultSpec.Parse(canonical).ToString());
    }

    [Theory]
    [InlineData("RunInstances")]
    [InlineData("Describe*")]
    [InlineData("DescribeNetwork*")]
    [InlineData("Assign*")]
    public void Parse_ActionServed_IsAccepted(string action)
    {
        var spec = FaultSpec.Parse($"ec2-error(action={action})", Served);

        Assert.Equal(action, spec.Action);
    }

    [Theory]
    [InlineData("ec2-error(action=Describe)", 17, "no EC2 action served here is called 'Describe' at position 17")]
    [InlineData("ec2-error(action=CreateTags)", 17, "no EC2 action served here is called 'CreateTags' at position 17")]
    [InlineData("ec2-error(action=Create*)", 17, "no EC2 action served here is called 'Create*' at position 17")]
    [InlineData("ec2-error(action=runinstances)", 17, "no EC2 action served here is called 'runinstances'")]
    [InlineData("ec2-error(rate=1, action=*Instances)", 25, "expected an EC2 action (AssignPrivateIpAddresses) or a prefix ending in * (Describe*) at position 25")]
    public void Parse_ActionNotServed_ThrowsAtAction(string text, int position, string message)
    {
        var error = Assert.Throws<FaultSpecException>(() => FaultSpec.Parse(text, Served));

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ec2-error(action=Describe)")]
    [InlineData("ec2-error(action=AnythingAtAll)")]
    [InlineData("ec2-error(action=Create*)")]
    public void Parse_ActionWithoutList_AcceptsAnyName(string text)
    {
        Assert.NotNull(FaultSpec.Parse(text).Action);
    }

    [Theory]
    [InlineData("ec2-error(action=*)", 17, "expected an EC2 action (AssignPrivateIpAddresses) or a prefix ending in * (Describe*) at position 17, found '*'")]
    [InlineData("ec2-error(action=Describe**)", 17, "expected an EC2 action")]
    [InlineData("ec2-error(action=)", 17, "found ')'")]
    [InlineData("ec2-error(action= , rate=1)", 18, "found ','")]
    public void Parse_BadActionPattern_ThrowsAtAction(string text, int position, string message)
    {
        var error = Assert.Throws<FaultSpecException>(() => FaultSpec.Parse(text));

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ActionOnMetadataKind_IsUnknownArgument()
    {
        var error = Assert.Throws<FaultSpecException>(() => FaultSpec.Parse("imds-error(action=RunInstances)"));

        Assert.Equal(11, error.Position);
        Assert.Contains("imds-error takes no argument 'action'; it takes status, rate, instance, interface, for, seed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "RunInstances", true)]
    [InlineData(null, "DescribeInstances", true)]
    [InlineData("RunInstances", "RunInstances", true)]
    [InlineData("RunInstances", "RunInstancesX", false)]
    [InlineData("RunInstances", "runinstances", false)]
    [InlineData("RunInstances", "Run", false)]
    [InlineData("Describe*", "DescribeInstances", true)]
    [InlineData("Describe*", "Describe", true)]
    [InlineData("Describe*", "describeInstances", false)]
    [InlineData("Describe*", "RunInstances", false)]
    [InlineData("DescribeNetwork*", "DescribeNetworkInterfaces", true)]
    [InlineData("DescribeNetwork*", "DescribeInstances", false)]
    public void MatchesAction_Pattern_MatchesExactOrPrefix(string? action, string called, bool matches)
    {
        var spec = FaultSpec.Parse(action is null ? "ec2-error" : $"ec2-error(action={action})");

        Assert.Equal(matches, spec.MatchesAction(called));
    }

    [Theory]
    [InlineData("imds-eror", 0, "unknown fault kind 'imds-eror'; known kinds are imds-latency, imds-error, imds-token-error, imds-throttle, imds-stuck, imds-never, imds-flap, imds-stale, imds-hotplug, ec2-throttle, ec2-error, ec2-latency, ec2-lag, ecs-throttle, ecs-error, ecs-latency at position 0")]
    [InlineData("  IMDS-ERROR(rate=1)", 2, "unknown fault kind 'IMDS-ERROR'")]
    [InlineData("imds-error(rate=1, foo=2)", 19, "imds-error takes no argument 'foo'; it takes status, rate, instance, interface, for, seed at position 19")]
    [InlineData("imds-throttle(delay=fixed(1s))", 14, "imds-throttle takes no argument 'delay'")]
    [InlineData("imds-error(rate=0.5, rate=0.5)", 21, "argument 'rate' is given twice at position 21")]
    [InlineData("imds-error(for=1s,for=1s)", 18, "argument 'for' is given twice at position 18")]
    [InlineData("imds-error(status=404)", 18, "imds-error answers with 500, 503, not 404 at position 18")]
    [InlineData("imds-error(status=403)", 18, "imds-error answers with 500, 503, not 403")]
    [InlineData("imds-token-error(status=502)", 24, "imds-token-error answers with 403, 404, 405, 500, 503, not 502 at position 24")]
    [InlineData("imds-error(status=600)", 18, "expected an HTTP status, a whole number from 100 to 599, at position 18")]
    [InlineData("imds-error(status=503.5)", 18, "a whole number from 100 to 599")]
    [InlineData("imds-error(status=abc)", 18, "expected an HTTP status at position 18, found 'abc'")]
    [InlineData("imds-error(rate=1.5)", 16, "a rate is at most 1 (100%) at position 16")]
    [InlineData("imds-error(rate=101%)", 16, "a rate is at most 1 (100%) at position 16")]
    [InlineData("imds-error(rate=-0.5)", 16, "expected a rate such as 0.25 or 25% at position 16, found '-'")]
    [InlineData("imds-error(rate=.5)", 16, "expected a rate such as 0.25 or 25% at position 16, found '.5'")]
    [InlineData("imds-latency", 12, "imds-latency needs delay=<delay spec>, such as delay=fixed(500ms) at position 12")]
    [InlineData("ec2-latency(action=RunInstances)", 31, "ec2-latency needs delay=<delay spec>")]
    [InlineData("ec2-lag(for=10s)", 15, "ec2-lag needs delay=<delay spec>")]
    [InlineData("imds-never", 10, "imds-never needs kind=<kind of change> (interface-attached, interface-detached, private-ipv4s, ipv4-prefixes, elastic-ips, security-groups, instance-stopped, instance-started, instance-terminated) at position 10")]
    [InlineData("imds-never(instance=i-1)", 23, "imds-never needs kind=")]
    [InlineData("imds-throttle(hold=30)", 19, "expected a duration such as 1500ms, 2s or 1m at position 19, found '30'")]
    [InlineData("imds-throttle(hold=2h)", 19, "found '2h'")]
    [InlineData("imds-error(for=0s)", 15, "for must be longer than 0ms at position 15")]
    [InlineData("imds-stale(age=1441m)", 15, "duration 1441m is longer than the maximum of 1440m at position 15")]
    [InlineData("imds-latency(delay=never)", 19, "imds-latency delays requests, which must end: its delay cannot be never at position 19")]
    [InlineData("ec2-latency(delay= mix(0.5:never,0.5:fixed(1s)))", 19, "ec2-latency delays requests, which must end: its delay cannot be never at position 19")]
    [InlineData("imds-latency(delay=fixed(15))", 25, "expected a duration such as 1500ms, 2s or 1m at position 25, found '15'")]
    [InlineData("imds-latency(delay=lognormal(median=2s,p99=200ms))", 43, "lognormal p99 200ms must be greater than the median 2s at position 43")]
    [InlineData("imds-error(rate=1) x", 19, "expected end of input at position 19, found 'x'")]
    [InlineData("imds-error x", 11, "expected end of input at position 11, found 'x'")]
    [InlineData("imds-error(rate=1))", 18, "expected end of input at position 18, found ')'")]
    [InlineData("imds-error(rate=1)imds-error", 18, "expected end of input at position 18, found 'imds'")]
    [InlineData("", 0, "expected a fault kind (imds-latency, imds-error, imds-token-error, imds-throttle, imds-stuck, imds-never, imds-flap, imds-stale, imds-hotplug, ec2-throttle, ec2-error, ec2-latency, ec2-lag, ecs-throttle, ecs-error, ecs-latency) at position 0, found end of input")]
    [InlineData("   ", 3, "expected a fault kind")]
    [InlineData("(rate=1)", 0, "expected a fault kind (imds-latency, imds-error, imds-token-error, imds-throttle, imds-stuck, imds-never, imds-flap, imds-stale, imds-hotplug, ec2-throttle, ec2-error, ec2-latency, ec2-lag, ecs-throttle, ecs-error, ecs-latency) at position 0, found '('")]
    [InlineData("imds-error(rate=1", 17, "expected ',' or ')' at position 17, found end of input")]
    [InlineData("imds-error(rate=1 for=1s)", 18, "expected ',' or ')' at position 18, found 'for'")]
    [InlineData("imds-error(", 11, "expected an argument of imds-error (status, rate, instance, interface, for, seed) at position 11, found end of input")]
    [InlineData("imds-error(rate=1,)", 18, "expected an argument of imds-error")]
    [InlineData("imds-error(rate 1)", 16, "expected '=' at position 16, found '1'")]
    [InlineData("imds-latency(delay=fixed(1s)", 28, "expected ',' or ')' at position 28, found end of input")]
    [InlineData("ec2-error(code=Throttling)", 15, "expected an error code (InternalError, Unavailable, RequestLimitExceeded) at position 15, found 'Throttling'")]
    [InlineData("imds-flap(kind=instance-stopped)", 15, "expected a kind of change (private-ipv4s, ipv4-prefixes, elastic-ips, security-groups) at position 15, found 'instance'")]
    [InlineData("imds-throttle(pps=0)", 18, "expected packets per second, a whole number from 1 to 1000000, at position 18")]
    [InlineData("imds-flap(times=101)", 16, "expected a count, a whole number from 1 to 100, at position 16")]
    [InlineData("ec2-throttle(scale=0)", 19, "scale must be greater than 0 and at most 1000000 at position 19")]
    [InlineData("ec2-throttle(refill=1000001)", 20, "refill must be greater than 0 and at most 1000000 at position 20")]
    [InlineData("imds-error(instance=)", 20, "expected an instance (i-…) at position 20, found ')'")]
    [InlineData("imds-error(interface=,)", 21, "expected a network interface (eni-…) at position 21, found ','")]
    public void Parse_Invalid_ThrowsWithPosition(string text, int position, string message)
    {
        var error = Assert.Throws<FaultSpecException>(() => FaultSpec.Parse(text));

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.EndsWith($" at position {position}", error.Message.Split(", found ")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => FaultSpec.Parse(null!));
    }

    [Fact]
    public void TryParse_Valid_ReturnsSpecAndNoError()
    {
        var ok = FaultSpec.TryParse("imds-error(rate=25%)", out var spec, out var error);

        Assert.True(ok);
        Assert.Null(error);
        Assert.Equal(0.25, spec!.Rate);
    }

    [Fact]
    public void TryParse_Invalid_ReturnsErrorWithPosition()
    {
        var ok = FaultSpec.TryParse("imds-error(rate=2)", out var spec, out var error);

        Assert.False(ok);
        Assert.Null(spec);
        Assert.Equal(16, error!.Position);
    }

    [Fact]
    public void TryParse_Null_ReturnsEmptyTextError()
    {
        var ok = FaultSpec.TryParse(null, out var spec, out var error);

        Assert.False(ok);
        Assert.Null(spec);
        Assert.Equal(0, error!.Position);
        Assert.StartsWith("expected a fault kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ActionNotServed_ReturnsError()
    {
        var ok = FaultSpec.TryParse("ec2-error(action=Frobnicate)", out _, out var error, Served);

        Assert.False(ok);
        Assert.Equal(17, error!.Position);
    }

    [Fact]
    public void Parse_EcsKinds_TakeAlibabasCodesAndActions()
    {
        string[] ecs = ["AssignPrivateIpAddresses", "DescribeNetworkInterfaces", "DescribeVpcs"];

        var error = FaultSpec.Parse("ecs-error(code=ServiceUnavailable, action=Describe*)", Served, ecs);
        var throttle = FaultSpec.Parse("ecs-throttle", Served, ecs);
        var latency = FaultSpec.Parse("ecs-latency(delay=fixed(1s), action=AssignPrivateIpAddresses)", Served, ecs);

        Assert.Equal(("ServiceUnavailable", 1.0), (error.Code, error.Rate));
        Assert.Equal((20, 10.0), (throttle.Capacity, throttle.Refill));
        Assert.Equal(TimeSpan.FromSeconds(1), latency.Delay!.Sample(new Harness.Domain.Delays.SeededRandom(1)));
        Assert.Contains("an error code (InternalError, ServiceUnavailable, Throttling)", Assert.Throws<FaultSpecException>(() => FaultSpec.Parse("ecs-error(code=Unavailable)", Served, ecs)).Message);
        Assert.Contains("no Alibaba Cloud action served here is called 'DescribeSubnets'", Assert.Throws<FaultSpecException>(() => FaultSpec.Parse("ecs-error(action=DescribeSubnets)", Served, ecs)).Message);
        Assert.Contains("ecs-latency needs delay=", Assert.Throws<FaultSpecException>(() => FaultSpec.Parse("ecs-latency", Served, ecs)).Message);
    }
}
