using Harness.Testing;

namespace Harness.Ec2.Tests.Ecs;

/// <summary>CreateInstance: one instance made as RunInstances makes it, shown Pending and then Stopped until it is started.</summary>
public sealed class CreateInstanceTests(EcsHarness harness) : EcsFakeClockTests(harness)
{
    private async Task<(string VSwitch, string Group, (string, string)[] Parameters)> ParametersAsync()
    {
        var (_, vSwitch, group) = await Harness.NetworkAsync();
        return (vSwitch, group, [("RegionId", Region), ("InstanceType", "ecs.g7.large"), ("VSwitchId", vSwitch), ("SecurityGroupId", group)]);
    }

    [Fact]
    public async Task CreateInstance_IsPendingThenStopped_AndStartInstanceRunsIt()
    {
        var (_, _, parameters) = await ParametersAsync();

        var created = await Harness.OkAsync("CreateInstance", EcsCall.Ecs, [.. parameters, ("InstanceName", "db-1"), ("PrivateIpAddress", "10.0.1.20")]);

        var id = created.GetProperty("InstanceId").GetString()!;
        Assert.Matches("^i-bp[a-z0-9]{18}$", id);
        Assert.Equal("", created.GetProperty("OrderId").GetString());
        Assert.Equal("Pending", await Harness.StatusAsync(id));
        Assert.Equal((403, "IncorrectInstanceStatus"), await Harness.ErrorAsync("StartInstance", EcsCall.Ecs, ("InstanceId", id)));
        Harness.Settle();
        Assert.Equal("Stopped", await Harness.StatusAsync(id));
        var shown = (await Harness.OkAsync("DescribeInstances", EcsCall.Ecs, ("RegionId", Region), ("InstanceIds", $"[\"{id}\"]")))
            .GetProperty("Instances").GetProperty("Instance")[0];
        Assert.Equal("db-1", shown.GetProperty("InstanceName").GetString());
        Assert.Equal("10.0.1.20", shown.GetProperty("VpcAttributes").GetProperty("PrivateIpAddress").GetProperty("IpAddress")[0].GetString());

        await Harness.OkAsync("StartInstance", EcsCall.Ecs, ("InstanceId", id));
        Assert.Equal("Starting", await Harness.StatusAsync(id));
        Harness.Settle();
        Assert.Equal("Running", await Harness.StatusAsync(id));
    }

    [Fact]
    public async Task CreateInstance_SameClientToken_GivesTheFirstInstance_AndOtherParametersAreAMismatch()
    {
        var (_, _, parameters) = await ParametersAsync();

        var first = await Harness.OkAsync("CreateInstance", EcsCall.Ecs, [.. parameters, ("ClientToken", "create-1")]);
        var again = await Harness.OkAsync("CreateInstance", EcsCall.Ecs, [.. parameters, ("ClientToken", "create-1")]);
        var mismatch = await Harness.ErrorAsync("CreateInstance", EcsCall.Ecs, [.. parameters, ("ClientToken", "create-1"), ("InstanceName", "other")]);

        Assert.Equal(first.GetProperty("InstanceId").GetString(), again.GetProperty("InstanceId").GetString());
        Assert.Equal((400, "IdempotentParameterMismatch"), mismatch);
        var all = await Harness.OkAsync("DescribeInstanceStatus", EcsCall.Ecs, ("RegionId", Region));
        Assert.Equal(1, all.GetProperty("TotalCount").GetInt32());

        // A token is the action's own: RunInstances with the same one launches anew.
        var run = await Harness.OkAsync("RunInstances", EcsCall.Ecs, [.. parameters, ("ClientToken", "create-1")]);
        Assert.NotEqual(first.GetProperty("InstanceId").GetString(), run.GetProperty("InstanceIdSets").GetProperty("InstanceIdSet")[0].GetString());
    }

    [Fact]
    public async Task CreateInstance_DryRun_CreatesNothing()
    {
        var (_, _, parameters) = await ParametersAsync();

        Assert.Equal((400, "DryRunOperation"), await Harness.ErrorAsync("CreateInstance", EcsCall.Ecs, [.. parameters, ("DryRun", "true")]));

        var all = await Harness.OkAsync("DescribeInstanceStatus", EcsCall.Ecs, ("RegionId", Region));
        Assert.Equal(0, all.GetProperty("TotalCount").GetInt32());
    }

    [Fact]
    public async Task CreateInstance_IgnoresAmount_AndMakesOne()
    {
        var (_, _, parameters) = await ParametersAsync();

        await Harness.OkAsync("CreateInstance", EcsCall.Ecs, [.. parameters, ("Amount", "3")]);

        var all = await Harness.OkAsync("DescribeInstanceStatus", EcsCall.Ecs, ("RegionId", Region));
        Assert.Equal(1, all.GetProperty("TotalCount").GetInt32());
    }

    [Theory]
    [InlineData("InstanceType", null, 400, "MissingParameter")]
    [InlineData("InstanceType", "ecs.nope.large", 404, "InvalidInstanceType.NotFound")]
    [InlineData("VSwitchId", null, 400, "MissingParameter")]
    [InlineData("VSwitchId", "vsw-bp1doesnotexist0000", 404, "InvalidVSwitchId.NotFound")]
    [InlineData("SecurityGroupId", null, 400, "MissingParameter")]
    [InlineData("SecurityGroupId", "sg-bp1doesnotexist00000", 404, "InvalidSecurityGroupId.NotFound")]
    [InlineData("RegionId", null, 400, "MissingParameter")]
    [InlineData("RamRoleName", "no spaces allowed", 400, "InvalidParameter")]
    [InlineData("PrivateIpAddress", "10.9.9.9", 403, "InvalidVSwitchId.IpInvalid")]
    [InlineData("HttpTokens", "sometimes", 400, "InvalidParameter")]
    public async Task CreateInstance_BadOrMissingParameter_IsAlibabasError(string name, string? value, int status, string code)
    {
        var (_, _, parameters) = await ParametersAsync();
        (string Name, string Value)[] changed = [.. parameters.Where(p => p.Item1 != name), .. value is null ? Array.Empty<(string, string)>() : [(name, value)]];

        Assert.Equal((status, code), await Harness.ErrorAsync("CreateInstance", EcsCall.Ecs, changed));
    }
}
