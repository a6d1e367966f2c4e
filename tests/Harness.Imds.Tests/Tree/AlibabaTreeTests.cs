using System.Globalization;
using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;
using Harness.Testing;

namespace Harness.Imds.Tests.Tree;

/// <summary>
/// An Alibaba instance's <c>meta-data/all</c> (the whole tree as one JSON object) and its RAM role's credentials under
/// <c>meta-data/ram/security-credentials/</c>, on the fake clock.
/// </summary>
public sealed class AlibabaTreeTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private const string Region = "cn-hangzhou";

    /// <summary>A VPC, vSwitch and group in cn-hangzhou, one instance (<paramref name="extra"/> adds to RunInstances), propagated; its metadata address.</summary>
    private async Task<(string InstanceId, string Address)> RunAsync(params (string, string)[] extra)
    {
        var ecs = Harness.EcsUrl;
        var vpc = (await EcsCall.OkAsync(Harness.Http, ecs, "CreateVpc", EcsCall.Vpc, ("RegionId", Region), ("CidrBlock", "10.0.0.0/16"))).GetProperty("VpcId").GetString()!;
        var vSwitch = (await EcsCall.OkAsync(Harness.Http, ecs, "CreateVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc), ("ZoneId", "cn-hangzhou-h"), ("CidrBlock", "10.0.1.0/24")))
            .GetProperty("VSwitchId").GetString()!;
        var group = (await EcsCall.OkAsync(Harness.Http, ecs, "CreateSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("VpcId", vpc))).GetProperty("SecurityGroupId").GetString()!;
        var run = await EcsCall.OkAsync(
            Harness.Http, ecs, "RunInstances", EcsCall.Ecs, [("RegionId", Region), ("InstanceType", "ecs.g7.large"), ("VSwitchId", vSwitch), ("SecurityGroupId", group), .. extra]);
        var id = run.GetProperty("InstanceIdSets").GetProperty("InstanceIdSet")[0].GetString()!;
        Propagate();
        var (_, document, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{id}");
        return (id, new Uri(document.GetProperty("imdsEndpoint").GetString()!).Host);
    }

    private async Task<string> ReadAsync(string address, string path)
    {
        var reply = await Harness.GetImdsAsync(address, path);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{path}: {(int)reply.Status} {reply.Body}");
        return reply.Body;
    }

    [Fact]
    public async Task All_IsTheTreeAsOneObject_EachLeafAsItsOwnPathServesIt()
    {
        var (id, address) = await RunAsync(("HostName", "db-1"));

        var all = JsonDocument.Parse(await ReadAsync(address, "/2016-01-01/meta-data/all")).RootElement;

        Assert.Equal(id, all.GetProperty("instance-id").GetString());
        Assert.Equal("db-1", all.GetProperty("hostname").GetString());
        Assert.Equal(await ReadAsync(address, "/latest/meta-data/private-ipv4"), all.GetProperty("private-ipv4").GetString());
        Assert.Equal(await ReadAsync(address, "/latest/meta-data/dns-conf/nameservers"), all.GetProperty("dns-conf").GetProperty("nameservers").GetString());
        Assert.Equal("ecs.g7.large", all.GetProperty("instance").GetProperty("instance-type").GetString());
        var mac = await ReadAsync(address, "/latest/meta-data/mac");
        var nic = all.GetProperty("network").GetProperty("interfaces").GetProperty("macs").GetProperty(mac);
        Assert.Equal(await ReadAsync(address, $"/latest/meta-data/network/interfaces/macs/{mac}/private-ipv4s"), nic.GetProperty("private-ipv4s").GetString());
        Assert.Equal("255.255.255.0", nic.GetProperty("netmask").GetString());
        Assert.False(all.TryGetProperty("all", out _));
        Assert.DoesNotContain("all", (await Harness.GetImdsAsync(address, "/latest/meta-data/")).Lines);
    }

    [Fact]
    public async Task All_FollowsTheLaggingView_LikeEveryLeaf()
    {
        var (_, address) = await RunAsync();
        var mac = await ReadAsync(address, "/latest/meta-data/mac");
        var eniId = await ReadAsync(address, $"/latest/meta-data/network/interfaces/macs/{mac}/network-interface-id");

        await EcsCall.OkAsync(Harness.Http, Harness.EcsUrl, "AssignPrivateIpAddresses", EcsCall.Ecs, ("RegionId", Region), ("NetworkInterfaceId", eniId), ("PrivateIpAddress.1", "10.0.1.50"));
        var before = JsonDocument.Parse(await ReadAsync(address, "/latest/meta-data/all")).RootElement;
        Propagate();
        var after = JsonDocument.Parse(await ReadAsync(address, "/latest/meta-data/all")).RootElement;

        Assert.False(before.TryGetProperty("sub-private-ipv4-list", out _));
        Assert.Equal("10.0.1.50", after.GetProperty("sub-private-ipv4-list").GetString());
    }

    [Fact]
    public async Task RamRole_ListedAndServed_AsAlibabasCredentialsDocument()
    {
        // RAM role names may hold periods.
        var (_, address) = await RunAsync(("RamRoleName", "ecs.web-role"));

        Assert.Contains("ram/", (await Harness.GetImdsAsync(address, "/latest/meta-data/")).Lines);
        Assert.Equal("security-credentials/", await ReadAsync(address, "/latest/meta-data/ram/"));
        Assert.Equal("ecs.web-role", await ReadAsync(address, "/latest/meta-data/ram/security-credentials/"));
        var text = await ReadAsync(address, "/latest/meta-data/ram/security-credentials/ecs.web-role");
        var credentials = JsonDocument.Parse(text).RootElement;

        Assert.Equal("Success", credentials.GetProperty("Code").GetString());
        Assert.Matches("^STS\\.[A-Za-z0-9]{25}$", credentials.GetProperty("AccessKeyId").GetString());
        Assert.Matches("^[A-Za-z0-9]{44}$", credentials.GetProperty("AccessKeySecret").GetString());
        Assert.StartsWith("CAIS", credentials.GetProperty("SecurityToken").GetString(), StringComparison.Ordinal);
        var now = Harness.Clock!.GetUtcNow();
        Assert.Equal(Format(now), credentials.GetProperty("LastUpdated").GetString());
        Assert.Equal(Format(now.AddHours(6)), credentials.GetProperty("Expiration").GetString());

        // The same set until an hour before it expires; aliyungo's capital-R path serves it too.
        Assert.Equal(text, await ReadAsync(address, "/latest/meta-data/ram/security-credentials/ecs.web-role"));
        Assert.Equal(text, await ReadAsync(address, "/latest/meta-data/Ram/security-credentials/ecs.web-role"));
        Harness.Advance(TimeSpan.FromHours(5));
        var renewed = JsonDocument.Parse(await ReadAsync(address, "/latest/meta-data/ram/security-credentials/ecs.web-role")).RootElement;
        Assert.NotEqual(credentials.GetProperty("AccessKeySecret").GetString(), renewed.GetProperty("AccessKeySecret").GetString());
        Assert.NotEqual(credentials.GetProperty("SecurityToken").GetString(), renewed.GetProperty("SecurityToken").GetString());
        Assert.Equal(Format(now.AddHours(11)), renewed.GetProperty("Expiration").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(address, "/latest/meta-data/ram/security-credentials/other-role")).Status);
        Assert.False(JsonDocument.Parse(await ReadAsync(address, "/latest/meta-data/all")).RootElement.TryGetProperty("ram", out _));
    }

    [Fact]
    public async Task RamRole_None_IsNotListedAndIs404()
    {
        var (_, address) = await RunAsync();

        Assert.DoesNotContain("ram/", (await Harness.GetImdsAsync(address, "/latest/meta-data/")).Lines);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(address, "/latest/meta-data/ram/security-credentials/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(address, "/latest/meta-data/ram/")).Status);
    }

    [Fact]
    public async Task RamCredentials_AreNotFromTheSeed_TheSameInstanceIdAfterAResetGetsOthers()
    {
        var (firstId, address) = await RunAsync(("RamRoleName", "web-role"));
        var first = JsonDocument.Parse(await ReadAsync(address, "/latest/meta-data/ram/security-credentials/web-role")).RootElement;

        await Harness.ResetAsync();
        var (secondId, again) = await RunAsync(("RamRoleName", "web-role"));
        var second = JsonDocument.Parse(await ReadAsync(again, "/latest/meta-data/ram/security-credentials/web-role")).RootElement;

        Assert.Equal(firstId, secondId); // the same seed gives the same ids…
        Assert.NotEqual(first.GetProperty("AccessKeySecret").GetString(), second.GetProperty("AccessKeySecret").GetString()); // …not the same secrets
        Assert.NotEqual(first.GetProperty("AccessKeyId").GetString(), second.GetProperty("AccessKeyId").GetString());
    }

    [Fact]
    public async Task CreateInstance_ItsMetadataDoesNotAnswer_UntilItIsStarted()
    {
        var (_, address) = await RunAsync();
        var vSwitch = await ReadAsync(address, "/latest/meta-data/vswitch-id");
        var groups = await EcsCall.OkAsync(Harness.Http, Harness.EcsUrl, "DescribeSecurityGroups", EcsCall.Ecs, ("RegionId", Region));
        var group = groups.GetProperty("SecurityGroups").GetProperty("SecurityGroup")[0].GetProperty("SecurityGroupId").GetString()!;
        var created = await EcsCall.OkAsync(
            Harness.Http, Harness.EcsUrl, "CreateInstance", EcsCall.Ecs, ("RegionId", Region), ("InstanceType", "ecs.g7.large"), ("VSwitchId", vSwitch), ("SecurityGroupId", group));
        var id = created.GetProperty("InstanceId").GetString()!;
        Propagate();
        var (_, document, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/instances/{id}");
        var stopped = new Uri(document.GetProperty("imdsEndpoint").GetString()!).Host;

        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync(stopped, "/latest/meta-data/instance-id"));

        Harness.Advance(TimeSpan.FromSeconds(3)); // past Pending
        await EcsCall.OkAsync(Harness.Http, Harness.EcsUrl, "StartInstance", EcsCall.Ecs, ("InstanceId", id));
        Propagate();
        Assert.Equal(id, await ReadAsync(stopped, "/latest/meta-data/instance-id"));
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
