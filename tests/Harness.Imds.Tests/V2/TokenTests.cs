using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.V2;

/// <summary>PUT /latest/api/token and what a token is good for (IMDS.md, "IMDSv2").</summary>
public sealed class TokenTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Theory]
    [InlineData("1")]
    [InlineData("60")]
    [InlineData("21600")]
    public async Task PutToken_WithTtlInRange_Returns200TokenAndEchoesTtl(string ttl)
    {
        var instance = await LaunchAsync();

        var reply = await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, ttl));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("text/plain", reply.ContentType);
        Assert.NotEmpty(reply.Body);
        Assert.Equal(ttl, reply.Ttl);
        Assert.Equal("EC2ws", reply.Server);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("21601")]
    [InlineData("99999999999")]
    public async Task PutToken_WithMissingOrBadTtl_Is400(string? ttl)
    {
        var instance = await LaunchAsync();

        var reply = ttl is null
            ? await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, "/latest/api/token")
            : await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, ttl));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Null(reply.Ttl);
    }

    [Theory]
    [InlineData("/2021-01-03/api/token")]
    [InlineData("/1.0/api/token")]
    public async Task PutToken_OnADatedVersionPath_Is403(string path)
    {
        var instance = await LaunchAsync();

        var reply = await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, path, (ImdsHeaders.Ttl, "60"));

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
    }

    [Fact]
    public async Task GetToken_IsMethodNotAllowed()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, "/latest/api/token", (ImdsHeaders.Ttl, "60"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, reply.Status);
    }

    [Fact]
    public async Task Token_OnItsOwnInstance_Reads200_OnAnotherInstance_Is401()
    {
        var network = await Topology.NetworkAsync(Harness);
        var first = await Topology.LaunchAsync(Harness, network);
        var second = await Topology.LaunchAsync(Harness, network);
        var token = await Harness.TokenAsync(first.Address);

        var own = await Harness.GetImdsAsync(first.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));
        var other = await Harness.GetImdsAsync(second.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));

        Assert.Equal(("127.1.1.1", "127.1.1.2"), (first.Address, second.Address));
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(first.InstanceId, own.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, other.Status);
    }

    [Fact]
    public async Task Token_PastItsTtlOnTheFakeClock_Is401()
    {
        var instance = await LaunchAsync();
        var token = await Harness.TokenAsync(instance.Address, ttl: 60);

        Harness.Advance(TimeSpan.FromSeconds(59));
        var before = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));
        Harness.Advance(TimeSpan.FromSeconds(2));
        var after = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AQAAAAAAAAAAaS0wMTIzNDU2Nzg5YWJjZGVmMDAwMDAwMDAwMDAwMDAwMDAwMA==")]
    [InlineData("")]
    public async Task InvalidToken_WithTokensOptional_Is401(string token)
    {
        var instance = await LaunchAsync();

        var reply = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    [Fact]
    public async Task Token_IssuedBeforeAReset_IsRefusedByTheInstanceThatGetsTheSameIdAfterIt()
    {
        var old = await LaunchAsync();
        var token = await Harness.TokenAsync(old.Address);
        var before = await Harness.GetImdsAsync(old.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));

        await Harness.ResetAsync();
        var fresh = await LaunchAsync();
        var stale = await Harness.GetImdsAsync(fresh.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, token));
        var tokenless = await Harness.GetImdsAsync(fresh.Address, "/latest/meta-data/instance-id");
        var renewed = await Harness.GetImdsAsync(fresh.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, await Harness.TokenAsync(fresh.Address)));

        // Same seed, same operations: the same id on the same address, so only the reset tells the two instances apart.
        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(old.InstanceId, fresh.InstanceId);
        Assert.Equal(old.Address, fresh.Address);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal(HttpStatusCode.OK, tokenless.Status);
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        Assert.Equal(fresh.InstanceId, renewed.Body);
    }

    [Fact]
    public async Task TokenAskedThroughTheToolAddress_WorksOnTheInstancesOwnAddress()
    {
        var instance = await LaunchAsync();
        var put = await Harness.SendImdsAsync(
            "127.0.0.1", HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, "60"), (ImdsHeaders.Instance, instance.InstanceId));

        var reply = await Harness.GetImdsAsync(instance.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, put.Body));

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }
}
