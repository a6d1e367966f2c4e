using System.Net;
using Harness.Testing;

namespace Harness.Ec2.Tests.Ecs;

/// <summary>DeleteVpc, DeleteVSwitch and DeleteSecurityGroup: only what is empty goes, with Alibaba's dependency codes.</summary>
public sealed class DeleteActionsTests(EcsHarness harness) : EcsFakeClockTests(harness)
{
    [Fact]
    public async Task DeleteVpc_RefusesWhileItHasAVSwitchThenAGroup_ThenDeletes()
    {
        var (vpc, vSwitch, group) = await Harness.NetworkAsync();

        Assert.Equal((400, "DependencyViolation.VSwitch"), await Harness.ErrorAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc)));
        await Harness.OkAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch));
        Assert.Equal((400, "DependencyViolation.SecurityGroup"), await Harness.ErrorAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc)));
        await Harness.OkAsync("DeleteSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("SecurityGroupId", group));
        var deleted = await Harness.OkAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc));

        Assert.Matches("^[0-9A-F-]{36}$", deleted.GetProperty("RequestId").GetString());
        var listed = await Harness.OkAsync("DescribeVpcs", EcsCall.Vpc, ("RegionId", Region));
        Assert.Equal(0, listed.GetProperty("TotalCount").GetInt32());
        Assert.Equal((404, "InvalidVpcId.NotFound"), await Harness.ErrorAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc)));
    }

    [Fact]
    public async Task DeleteVpc_SameClientTokenAgain_ReplaysTheDelete()
    {
        var vpc = (await Harness.OkAsync("CreateVpc", EcsCall.Vpc, ("RegionId", Region))).GetProperty("VpcId").GetString()!;

        await Harness.OkAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc), ("ClientToken", "tok-1"));
        await Harness.OkAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc), ("ClientToken", "tok-1"));

        Assert.Equal((404, "InvalidVpcId.NotFound"), await Harness.ErrorAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc), ("ClientToken", "tok-2")));
    }

    [Fact]
    public async Task DeleteVpc_DryRun_ChecksAndKeepsIt()
    {
        var vpc = (await Harness.OkAsync("CreateVpc", EcsCall.Vpc, ("RegionId", Region))).GetProperty("VpcId").GetString()!;

        Assert.Equal((400, "DryRunOperation"), await Harness.ErrorAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc), ("DryRun", "true")));
        var listed = await Harness.OkAsync("DescribeVpcs", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc));
        Assert.Equal(1, listed.GetProperty("TotalCount").GetInt32());
    }

    [Fact]
    public async Task DeleteVSwitch_WithAnEniInIt_OrOneStillDeleting_IsDependencyViolation()
    {
        var (_, vSwitch, group) = await Harness.NetworkAsync();
        var eni = (await Harness.OkAsync("CreateNetworkInterface", EcsCall.Ecs, ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupId", group)))
            .GetProperty("NetworkInterfaceId").GetString()!;

        Assert.Equal((400, "DependencyViolation"), await Harness.ErrorAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch)));
        await Harness.OkAsync("DeleteNetworkInterface", EcsCall.Ecs, ("RegionId", Region), ("NetworkInterfaceId", eni));
        Assert.Equal((400, "DependencyViolation"), await Harness.ErrorAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch)));
        Harness.Settle();
        await Harness.OkAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch));

        var listed = await Harness.OkAsync("DescribeVSwitches", EcsCall.Vpc, ("RegionId", Region));
        Assert.Equal(0, listed.GetProperty("TotalCount").GetInt32());
        Assert.Equal((404, "InvalidVSwitchId.NotFound"), await Harness.ErrorAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch)));
    }

    [Fact]
    public async Task DeleteVSwitch_WithAnInstanceInIt_IsDependencyViolation()
    {
        var (_, vSwitch, group) = await Harness.NetworkAsync();
        await Harness.OkAsync("RunInstances", EcsCall.Ecs, ("RegionId", Region), ("InstanceType", "ecs.g7.large"), ("VSwitchId", vSwitch), ("SecurityGroupId", group));

        Assert.Equal((400, "DependencyViolation"), await Harness.ErrorAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch)));
    }

    [Fact]
    public async Task DeleteSecurityGroup_UsedByAnEni_Is403DependencyViolation_UntilTheEniIsGone()
    {
        var (_, vSwitch, group) = await Harness.NetworkAsync();
        var eni = (await Harness.OkAsync("CreateNetworkInterface", EcsCall.Ecs, ("RegionId", Region), ("VSwitchId", vSwitch), ("SecurityGroupId", group)))
            .GetProperty("NetworkInterfaceId").GetString()!;

        Assert.Equal((403, "DependencyViolation"), await Harness.ErrorAsync("DeleteSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("SecurityGroupId", group)));
        await Harness.OkAsync("DeleteNetworkInterface", EcsCall.Ecs, ("RegionId", Region), ("NetworkInterfaceId", eni));
        Assert.Equal((403, "DependencyViolation"), await Harness.ErrorAsync("DeleteSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("SecurityGroupId", group)));
        Harness.Settle();
        await Harness.OkAsync("DeleteSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("SecurityGroupId", group));

        var listed = await Harness.OkAsync("DescribeSecurityGroups", EcsCall.Ecs, ("RegionId", Region));
        Assert.Equal(0, listed.GetProperty("TotalCount").GetInt32());
        Assert.Equal((404, "InvalidSecurityGroupId.NotFound"), await Harness.ErrorAsync("DeleteSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("SecurityGroupId", group)));
    }

    [Fact]
    public async Task DeleteSecurityGroup_NamedDefault_IsAnOrdinaryGroupOnAlibaba()
    {
        var vpc = (await Harness.OkAsync("CreateVpc", EcsCall.Vpc, ("RegionId", Region))).GetProperty("VpcId").GetString()!;
        var group = (await Harness.OkAsync("CreateSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("VpcId", vpc), ("SecurityGroupName", "default")))
            .GetProperty("SecurityGroupId").GetString()!;

        Assert.Equal((400, "DependencyViolation.SecurityGroup"), await Harness.ErrorAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc)));
        await Harness.OkAsync("DeleteSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("SecurityGroupId", group));
        await Harness.OkAsync("DeleteVpc", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc));
    }

    [Theory]
    [InlineData("DeleteVpc", EcsCall.Vpc, "VpcId")]
    [InlineData("DeleteVSwitch", EcsCall.Vpc, "VSwitchId")]
    [InlineData("DeleteSecurityGroup", EcsCall.Ecs, "SecurityGroupId")]
    public async Task Delete_WithoutTheId_IsMissingParameter(string action, string version, string name)
    {
        var (status, body) = await Harness.SendAsync(action, version, ("RegionId", Region));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MissingParameter", body.GetProperty("Code").GetString());
        Assert.Contains(name, body.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteVSwitch_InXml_AnswersWithItsResponseElement()
    {
        var (_, vSwitch, _) = await Harness.NetworkAsync();

        var (status, body) = await Harness.SendXmlAsync("DeleteVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VSwitchId", vSwitch));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("DeleteVSwitchResponse", body.Name.LocalName);
        Assert.NotEmpty(body.Element("RequestId")!.Value);
    }
}
