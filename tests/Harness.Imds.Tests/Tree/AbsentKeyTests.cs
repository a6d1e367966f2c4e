using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Tree;

/// <summary>Absent things are 404, never an empty 200 (IMDS.md, "Formatting").</summary>
public sealed class AbsentKeyTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Theory]
    [InlineData("public-ipv4")]
    [InlineData("public-hostname")]
    [InlineData("no-such-key")]
    [InlineData("instance-id/deeper")]
    [InlineData("placement/no-such-key")]
    [InlineData("network/interfaces/macs/02:00:00:00:00:99/")]
    [InlineData("network/interfaces/macs/02:00:00:00:00:99/local-ipv4s")]
    public async Task TopLevelKey_ThatDoesNotExist_Is404(string key)
    {
        var instance = await LaunchAsync();

        await AssertNotFoundAsync(instance, "/latest/meta-data/" + key);
    }

    [Theory]
    [InlineData("public-ipv4s")]
    [InlineData("public-hostname")]
    [InlineData("ipv4-associations/")]
    [InlineData("ipv4-associations/203.0.113.1")]
    [InlineData("ipv4-prefix")]
    [InlineData("network-card")]
    [InlineData("ipv6s")]
    [InlineData("no-such-key")]
    [InlineData("local-ipv4s/deeper")]
    public async Task PerMacKey_ThatDoesNotApplyToAnM5Large_Is404(string key)
    {
        var instance = await LaunchAsync();

        await AssertNotFoundAsync(instance, $"/latest/meta-data/network/interfaces/macs/{instance.Eth0.Mac}/{key}");
    }

    [Fact]
    public async Task UnknownVersion_Is404()
    {
        var instance = await LaunchAsync();

        await AssertNotFoundAsync(instance, "/1999-01-01/meta-data/instance-id");
    }

    [Fact]
    public async Task UnknownCategory_Is404()
    {
        var instance = await LaunchAsync();

        await AssertNotFoundAsync(instance, "/latest/user-data-nope");
    }

    [Fact]
    public async Task DeepPathWithALeadingDoubleSlash_IsNotAnsweredWithTheVersionList()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, "//latest/meta-data/instance-id");

        // Either normalised to the key or refused; a 200 listing of versions would hand a client the wrong value.
        Assert.True(
            reply.Status == HttpStatusCode.NotFound || reply.Body == instance.InstanceId,
            $"//latest/meta-data/instance-id answered {(int)reply.Status} '{reply.Body[..Math.Min(40, reply.Body.Length)]}…'");
    }

    [Fact]
    public async Task PublicIpv4_AfterTheElasticIpIsDisassociated_Is404Again()
    {
        var instance = await LaunchAsync();
        var publicIp = await Topology.AssociateElasticIpAsync(Harness, instance.Eth0.NetworkInterfaceId, instance.Eth0.PrivateIp);
        Propagate();
        Assert.Equal(publicIp, await Harness.MetadataAsync(instance.Address, "public-ipv4"));

        await Harness.OkAsync("DisassociateAddress", new Dictionary<string, string> { ["PublicIp"] = publicIp });
        Propagate();

        await AssertNotFoundAsync(instance, "/latest/meta-data/public-ipv4");
        await AssertNotFoundAsync(instance, $"/latest/meta-data/network/interfaces/macs/{instance.Eth0.Mac}/public-ipv4s");
    }

    private async Task AssertNotFoundAsync(Instance instance, string path)
    {
        var reply = await Harness.GetImdsAsync(instance.Address, path);

        Assert.True(reply.Status == HttpStatusCode.NotFound, $"{path}: {(int)reply.Status} '{reply.Body}'");
        Assert.Contains("404 - Not Found", reply.Body);
        Assert.Equal("EC2ws", reply.Server);
    }
}
