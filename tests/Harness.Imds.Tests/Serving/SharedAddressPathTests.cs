using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Serving;

/// <summary>
/// Through one address (127.0.0.1 here, a published port in a container), a base URL names its instance by path:
/// <c>http://127.0.0.1:PORT/i-…/</c>, to which the SDKs append <c>latest/…</c>.
/// </summary>
public sealed class SharedAddressPathTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task PathPrefix_ServesThatInstance_TokenAndReads()
    {
        var network = await Topology.NetworkAsync(Harness);
        await Topology.LaunchAsync(Harness, network);
        var second = await Topology.LaunchAsync(Harness, network);
        var prefix = "/" + second.InstanceId;

        var token = await Harness.SendImdsAsync("127.0.0.1", HttpMethod.Put, prefix + "/latest/api/token", (ImdsHeaders.Ttl, "60"));
        var id = await Harness.GetImdsAsync("127.0.0.1", prefix + "/latest/meta-data/instance-id", (ImdsHeaders.Token, token.Body));
        var ip = await Harness.GetImdsAsync("127.0.0.1", prefix + "/latest/meta-data/local-ipv4", (ImdsHeaders.Token, token.Body));

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal((HttpStatusCode.OK, second.InstanceId), (id.Status, id.Body));
        Assert.Equal((HttpStatusCode.OK, second.Eth0.PrivateIp), (ip.Status, ip.Body));
    }

    [Fact]
    public async Task PathPrefix_WithDoubledSlash_AsTheNetSdkSendsAfterATrailingSlash()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync("127.0.0.1", $"/{instance.InstanceId}//latest/meta-data/instance-id");

        Assert.Equal((HttpStatusCode.OK, instance.InstanceId), (reply.Status, reply.Body));
    }

    [Fact]
    public async Task PathPrefixAlone_ListsTheVersions_LikeTheRoot()
    {
        var instance = await LaunchAsync();

        var bare = await Harness.GetImdsAsync("127.0.0.1", "/" + instance.InstanceId);
        var slash = await Harness.GetImdsAsync("127.0.0.1", $"/{instance.InstanceId}/");

        Assert.Equal(HttpStatusCode.OK, bare.Status);
        Assert.Contains("latest", bare.Body.Split('\n'));
        Assert.Equal(bare.Body, slash.Body);
    }

    [Fact]
    public async Task UnknownInstanceInThePath_Is404_NamingIt()
    {
        await LaunchAsync();

        var reply = await Harness.GetImdsAsync("127.0.0.1", "/i-0000000000000dead/latest/meta-data/instance-id");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Contains("i-0000000000000dead", reply.Body);
    }

    [Fact]
    public async Task ATokenForOneInstancesPath_IsRefusedOnAnothers()
    {
        var network = await Topology.NetworkAsync(Harness);
        var first = await Topology.LaunchAsync(Harness, network);
        var second = await Topology.LaunchAsync(Harness, network);
        var token = await Harness.SendImdsAsync("127.0.0.1", HttpMethod.Put, $"/{first.InstanceId}/latest/api/token", (ImdsHeaders.Ttl, "60"));

        var reply = await Harness.GetImdsAsync("127.0.0.1", $"/{second.InstanceId}/latest/meta-data/instance-id", (ImdsHeaders.Token, token.Body));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    /// <summary>JavaScript's MetadataService puts its token request at the root even when its base URL has a path.</summary>
    [Fact]
    public async Task ATokenFromTheSharedRoot_IsGoodThroughAPath_ButNotOnAnInstancesOwnAddress()
    {
        var instance = await LaunchAsync();
        var token = await Harness.SendImdsAsync("127.0.0.1", HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, "60"));

        var throughPath = await Harness.GetImdsAsync("127.0.0.1", $"/{instance.InstanceId}/latest/meta-data/instance-id", (ImdsHeaders.Token, token.Body));
        var ownAddress = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token.Body));

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal((HttpStatusCode.OK, instance.InstanceId), (throughPath.Status, throughPath.Body));
        Assert.Equal(HttpStatusCode.Unauthorized, ownAddress.Status);
    }

    [Fact]
    public async Task ARootTokenRequest_StillFollowsImdsRules()
    {
        await LaunchAsync();

        var noTtl = await Harness.SendImdsAsync("127.0.0.1", HttpMethod.Put, "/latest/api/token");
        var get = await Harness.GetImdsAsync("127.0.0.1", "/latest/api/token", (ImdsHeaders.Ttl, "60"));

        Assert.Equal(HttpStatusCode.BadRequest, noTtl.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.Status);
    }

    [Fact]
    public async Task TheHeader_StillWinsOverAPathThatIsNotAnInstance()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync("127.0.0.1", "/latest/meta-data/instance-id", (ImdsHeaders.Instance, instance.InstanceId));

        Assert.Equal((HttpStatusCode.OK, instance.InstanceId), (reply.Status, reply.Body));
    }
}
