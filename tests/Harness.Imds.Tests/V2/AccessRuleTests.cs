using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.V2;

/// <summary>Metadata options and the requests IMDS refuses outright (IMDS.md, "IMDSv2").</summary>
public sealed class AccessRuleTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    private const string InstanceIdPath = "/latest/meta-data/instance-id";

    [Fact]
    public async Task HttpTokensRequiredAtLaunch_WithoutToken_Is401_WithToken_Is200()
    {
        var instance = await LaunchAsync(extra: _ => new Dictionary<string, string> { ["MetadataOptions.HttpTokens"] = "required" });
        var token = await Harness.TokenAsync(instance.Address);

        var without = await Harness.GetImdsAsync(instance.Address, InstanceIdPath);
        var with = await Harness.GetImdsAsync(instance.Address, InstanceIdPath, (ImdsHeaders.Token, token));

        Assert.Equal(HttpStatusCode.Unauthorized, without.Status);
        Assert.Equal("EC2ws", without.Server);
        Assert.Equal(HttpStatusCode.OK, with.Status);
        Assert.Equal(instance.InstanceId, with.Body);
    }

    [Fact]
    public async Task ModifyInstanceMetadataOptions_ToRequired_ThenBack_GatesTokenlessReads()
    {
        var instance = await LaunchAsync();
        Assert.Equal(HttpStatusCode.OK, (await Harness.GetImdsAsync(instance.Address, InstanceIdPath)).Status);

        await ModifyAsync(instance, "HttpTokens", "required");
        var required = await Harness.GetImdsAsync(instance.Address, InstanceIdPath);
        var withToken = await Harness.GetImdsAsync(instance.Address, InstanceIdPath, (ImdsHeaders.Token, await Harness.TokenAsync(instance.Address)));
        await ModifyAsync(instance, "HttpTokens", "optional");
        var optional = await Harness.GetImdsAsync(instance.Address, InstanceIdPath);

        Assert.Equal(HttpStatusCode.Unauthorized, required.Status);
        Assert.Equal(HttpStatusCode.OK, withToken.Status);
        Assert.Equal(HttpStatusCode.OK, optional.Status);
    }

    [Fact]
    public async Task HttpEndpointDisabledAtLaunch_Is403_ForReadsAndTokens()
    {
        var instance = await LaunchAsync(extra: _ => new Dictionary<string, string> { ["MetadataOptions.HttpEndpoint"] = "disabled" });

        var read = await Harness.GetImdsAsync(instance.Address, InstanceIdPath);
        var token = await Harness.SendImdsAsync(instance.Address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, "60"));

        Assert.Equal(HttpStatusCode.Forbidden, read.Status);
        Assert.Equal(HttpStatusCode.Forbidden, token.Status);
    }

    [Fact]
    public async Task ModifyInstanceMetadataOptions_HttpEndpointDisabled_Is403_EvenWithAToken()
    {
        var instance = await LaunchAsync();
        var token = await Harness.TokenAsync(instance.Address);

        await ModifyAsync(instance, "HttpEndpoint", "disabled");
        var read = await Harness.GetImdsAsync(instance.Address, InstanceIdPath, (ImdsHeaders.Token, token));
        await ModifyAsync(instance, "HttpEndpoint", "enabled");
        var enabled = await Harness.GetImdsAsync(instance.Address, InstanceIdPath, (ImdsHeaders.Token, token));

        Assert.Equal(HttpStatusCode.Forbidden, read.Status);
        Assert.Equal(HttpStatusCode.OK, enabled.Status);
    }

    [Fact]
    public async Task XForwardedFor_OnAnyRequest_Is403()
    {
        var instance = await LaunchAsync();
        var token = await Harness.TokenAsync(instance.Address);

        var read = await Harness.GetImdsAsync(instance.Address, InstanceIdPath, (ImdsHeaders.ForwardedFor, "10.0.0.9"));
        var readWithToken = await Harness.GetImdsAsync(instance.Address, InstanceIdPath, (ImdsHeaders.Token, token), (ImdsHeaders.ForwardedFor, "10.0.0.9"));
        var put = await Harness.SendImdsAsync(
            instance.Address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, "60"), (ImdsHeaders.ForwardedFor, "10.0.0.9"));
        var tool = await Harness.GetImdsAsync(
            "127.0.0.1", InstanceIdPath, (ImdsHeaders.Instance, instance.InstanceId), (ImdsHeaders.ForwardedFor, "10.0.0.9"));

        Assert.Equal(HttpStatusCode.Forbidden, read.Status);
        Assert.Equal(HttpStatusCode.Forbidden, readWithToken.Status);
        Assert.Equal(HttpStatusCode.Forbidden, put.Status);
        Assert.Equal(HttpStatusCode.Forbidden, tool.Status);
    }

    [Fact]
    public async Task WriteMethodOnAKey_Is405()
    {
        var instance = await LaunchAsync();

        var reply = await Harness.SendImdsAsync(instance.Address, HttpMethod.Post, InstanceIdPath);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, reply.Status);
    }

    private Task ModifyAsync(Instance instance, string option, string value) =>
        Harness.OkAsync("ModifyInstanceMetadataOptions", new Dictionary<string, string> { ["InstanceId"] = instance.InstanceId, [option] = value });
}
