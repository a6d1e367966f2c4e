using Harness.Testing;

namespace Harness.Ec2.Tests.Ecs;

/// <summary>Associate, Unassociate and Release take RegionId as optional: the EIP's own region is then the request's.</summary>
public sealed class EipRegionTests(EcsHarness harness) : EcsFakeClockTests(harness)
{
    [Fact]
    public async Task Release_WithoutRegionId_FindsTheEipInTheRegionThatAllocatedIt()
    {
        var beijing = (await Harness.OkAsync("AllocateEipAddress", EcsCall.Vpc, ("RegionId", "cn-beijing"))).GetProperty("AllocationId").GetString()!;

        await Harness.OkAsync("ReleaseEipAddress", EcsCall.Vpc, ("AllocationId", beijing));
        Harness.Settle();

        var listed = await Harness.OkAsync("DescribeEipAddresses", EcsCall.Vpc, ("RegionId", "cn-beijing"));
        Assert.Equal(0, listed.GetProperty("TotalCount").GetInt32());
        Assert.Equal((404, "InvalidAllocationId.NotFound"), await Harness.ErrorAsync("ReleaseEipAddress", EcsCall.Vpc, ("AllocationId", beijing)));
    }

    [Fact]
    public async Task Associate_WithoutRegionId_ToAnInstanceOfAnotherRegion_IsInstanceNotFound()
    {
        var (_, vSwitch, group) = await Harness.NetworkAsync();
        var instance = (await Harness.OkAsync("RunInstances", EcsCall.Ecs, ("RegionId", Region), ("InstanceType", "ecs.g7.large"),
            ("ImageId", "aliyun_3_x64_20G_alibase_20240819.vhd"), ("VSwitchId", vSwitch), ("SecurityGroupId", group)))
            .GetProperty("InstanceIdSets").GetProperty("InstanceIdSet")[0].GetString()!;
        Harness.Settle();
        var beijing = (await Harness.OkAsync("AllocateEipAddress", EcsCall.Vpc, ("RegionId", "cn-beijing"))).GetProperty("AllocationId").GetString()!;

        var (status, code) = await Harness.ErrorAsync("AssociateEipAddress", EcsCall.Vpc, ("AllocationId", beijing), ("InstanceId", instance));

        Assert.Equal((404, "InvalidInstanceId.NotFound"), (status, code));
    }
}
