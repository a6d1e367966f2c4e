using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Harness.Host;
using Harness.Runtime;
using Harness.Testing;

namespace Harness.Ec2.Tests.Ecs;

/// <summary>
/// The harness on a fake clock, for the Alibaba facade's asynchronous states (Pending, Deleting): they last until a
/// test moves the clock past the transition delay (at most 2 s by default). Reset before each test by its class.
/// </summary>
public sealed class EcsHarness : IAsyncLifetime
{
    public const string Region = "cn-hangzhou";

    private HarnessServer? server;

    public VirtualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public HarnessServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await HarnessServer.StartAsync(new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: 7), Clock);

    public Task DisposeAsync() => server?.DisposeAsync() ?? Task.CompletedTask;

    /// <summary>Moves the clock past every transition begun so far.</summary>
    public void Settle() => Clock.Advance(TimeSpan.FromSeconds(3));

    public async Task ResetAsync()
    {
        using var response = await Server.ResetAsync();
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string action, string version, params (string, string)[] parameters) =>
        EcsCall.SendAsync(Server.Http, Server.EcsAddress.ToString(), action, version, parameters);

    public Task<(HttpStatusCode Status, XElement Body)> SendXmlAsync(string action, string version, params (string, string)[] parameters) =>
        EcsCall.SendXmlAsync(Server.Http, Server.EcsAddress.ToString(), action, version, parameters);

    public Task<JsonElement> OkAsync(string action, string version, params (string, string)[] parameters) =>
        EcsCall.OkAsync(Server.Http, Server.EcsAddress.ToString(), action, version, parameters);

    public Task<(int Status, string Code)> ErrorAsync(string action, string version, params (string, string)[] parameters) =>
        EcsCall.ErrorAsync(Server.Http, Server.EcsAddress.ToString(), action, version, parameters);

    /// <summary>A VPC 10.0.0.0/16 with a /24 vSwitch in cn-hangzhou-h and a security group.</summary>
    public async Task<(string Vpc, string VSwitch, string Group)> NetworkAsync()
    {
        var vpc = (await OkAsync("CreateVpc", EcsCall.Vpc, ("RegionId", Region), ("CidrBlock", "10.0.0.0/16"))).GetProperty("VpcId").GetString()!;
        var vSwitch = (await OkAsync("CreateVSwitch", EcsCall.Vpc, ("RegionId", Region), ("VpcId", vpc), ("ZoneId", "cn-hangzhou-h"), ("CidrBlock", "10.0.1.0/24")))
            .GetProperty("VSwitchId").GetString()!;
        var group = (await OkAsync("CreateSecurityGroup", EcsCall.Ecs, ("RegionId", Region), ("VpcId", vpc))).GetProperty("SecurityGroupId").GetString()!;
        return (vpc, vSwitch, group);
    }

    /// <summary>The instance's status as DescribeInstanceStatus shows it.</summary>
    public async Task<string> StatusAsync(string instanceId)
    {
        var body = await OkAsync("DescribeInstanceStatus", EcsCall.Ecs, ("RegionId", Region), ("InstanceId.1", instanceId));
        return body.GetProperty("InstanceStatuses").GetProperty("InstanceStatus")[0].GetProperty("Status").GetString()!;
    }
}

/// <summary>Base of the fake-clock ECS test classes: one harness per class, reset before each test.</summary>
public abstract class EcsFakeClockTests(EcsHarness harness) : IClassFixture<EcsHarness>, IAsyncLifetime
{
    protected const string Region = EcsHarness.Region;

    protected EcsHarness Harness { get; } = harness;

    public Task InitializeAsync() => Harness.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
