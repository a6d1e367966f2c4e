using Harness.Testing;

namespace Harness.Ec2.Tests.Ecs;

/// <summary>ClientToken compares a retry's parameters, whichever of Alibaba's two list forms each send uses.</summary>
public sealed class ClientTokenTests(EcsHarness harness) : EcsFakeClockTests(harness)
{
    [Fact]
    public async Task Retry_WithTheListAsAJsonArray_IsTheSameRequest()
    {
        var (_, vSwitch, group) = await Harness.NetworkAsync();

        var first = await Harness.OkAsync("CreateNetworkInterface", EcsCall.Ecs,
            ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupIds.1", group), ("ClientToken", "same-eni"));
        var again = await Harness.OkAsync("CreateNetworkInterface", EcsCall.Ecs,
            ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupIds", $"[\"{group}\"]"), ("ClientToken", "same-eni"));

        Assert.Equal(first.GetProperty("NetworkInterfaceId").GetString(), again.GetProperty("NetworkInterfaceId").GetString());
    }

    [Fact]
    public async Task Retry_WithAnotherListInEitherForm_IsIdempotentParameterMismatch()
    {
        var (vpc, vSwitch, group) = await Harness.NetworkAsync();
        var other = (await Harness.OkAsync("CreateSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("VpcId", vpc))).GetProperty("SecurityGroupId").GetString()!;

        await Harness.OkAsync("CreateNetworkInterface", EcsCall.Ecs,
            ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupIds.1", group), ("ClientToken", "one-eni"));

        Assert.Equal((400, "IdempotentParameterMismatch"), await Harness.ErrorAsync("CreateNetworkInterface", EcsCall.Ecs,
            ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupIds", $"[\"{other}\"]"), ("ClientToken", "one-eni")));
        Assert.Equal((400, "IdempotentParameterMismatch"), await Harness.ErrorAsync("CreateNetworkInterface", EcsCall.Ecs,
            ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupIds", $"[\"{group}\",\"{other}\"]"), ("ClientToken", "one-eni")));
    }
}
