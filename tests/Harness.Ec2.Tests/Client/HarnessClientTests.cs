using System.Net;
using Harness.Client;
using Harness.Ec2.Tests.Protocol;
using Harness.Host;
using Harness.Runtime;

namespace Harness.Ec2.Tests.Client;

/// <summary>
/// Harness.Client against a real harness on loopback: every call reaches the control API it names and reads back what
/// the harness says, refusals arrive as <see cref="HarnessApiException"/> with the problem's status, title and detail,
/// and <see cref="HarnessClient.WaitUntilConvergedAsync"/> returns only once the metadata has caught up. The harness
/// runs on a clock that does not move, so a change stays pending until the test flushes it.
/// </summary>
public sealed class HarnessClientTests : IAsyncLifetime
{
    private const string Token = "client-test-token";

    private HarnessServer server = null!;
    private HarnessClient client = null!;

    public async Task InitializeAsync()
    {
        var options = new HarnessHostOptions(Seed: 5) { ControlToken = Token };
        server = await HarnessServer.StartAsync(options, new VirtualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        client = new HarnessClient(server.BaseAddress, Token);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task AnAssignment_IsPendingUntilFlushed_AndWaitUntilConvergedReturnsOnlyAfter()
    {
        await client.SetPropagationAsync(new PropagationUpdate { Imds = "fixed(2s)" });
        var (instanceId, eni) = await LaunchAsync();
        await client.FlushAsync();
        var assigned = await server.OkAsync("AssignPrivateIpAddresses", new Dictionary<string, string>
        {
            ["NetworkInterfaceId"] = eni, ["SecondaryPrivateIpAddressCount"] = "1",
        });
        var address = HarnessServer.Value(assigned, "privateIpAddress");

        var instance = await client.GetInstanceAsync(instanceId);
        Assert.False(instance.InSync);
        Assert.Equal(1, instance.PendingChanges);
        Assert.Equal("fixed(2s)", instance.Propagation);
        var pending = Assert.Single(await client.GetPendingAsync(instanceId));
        Assert.Equal(pending.MadeAt + TimeSpan.FromSeconds(2), pending.DueAt);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.WaitUntilConvergedAsync(instanceId, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50)));
        Assert.Contains(instanceId + " (1 pending)", timeout.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(address, (await client.GetMetadataAsync(instanceId)).Seen.Interfaces.SelectMany(i => i.LocalIpv4s));

        Assert.Equal(1, await client.FlushAsync());

        await client.WaitUntilConvergedAsync(timeout: TimeSpan.FromSeconds(30));
        var metadata = await client.GetMetadataAsync(instanceId);
        Assert.True(metadata.InSync);
        Assert.Contains(address, metadata.Seen.Interfaces.Single(i => i.NetworkInterfaceId == eni).LocalIpv4s);
        var change = Assert.Single((await client.GetEventsAsync(instanceId)).Events, e => e.Detail.Contains(address, StringComparison.Ordinal));
        Assert.Equal("applied", change.Status);
        Assert.Equal(pending.Sequence, change.Sequence);
        Assert.Contains(await client.GetInstancesAsync(), i => i.InstanceId == instanceId && i.InSync);
    }

    [Fact]
    public async Task PropagationOverrides_AreSetAndRemoved()
    {
        var (instanceId, eni) = await LaunchAsync();
        var set = await client.SetPropagationAsync(new PropagationUpdate
        {
            Imds = "fixed(1500ms)", Instances = new Dictionary<string, string?> { [instanceId] = "never" }, Reorder = true,
        });
        await client.SetInterfacePropagationAsync(eni, "fixed(3s)");

        var read = await client.GetPropagationAsync();
        Assert.Equal(set.Imds, read.Imds);
        Assert.Equal("never", read.Instances[instanceId]);
        Assert.Equal("fixed(3s)", read.Interfaces[eni]);
        Assert.True(read.Reorder);
        Assert.Equal("never", (await client.GetInstanceAsync(instanceId)).Propagation);

        await client.SetInstancePropagationAsync(instanceId, null);
        await client.SetPropagationAsync(new PropagationUpdate { Interfaces = new Dictionary<string, string?> { [eni] = null } });
        var cleared = await client.GetPropagationAsync();
        Assert.Empty(cleared.Instances);
        Assert.Empty(cleared.Interfaces);
    }

    [Fact]
    public async Task Refusals_ArriveWithTheProblemsStatusTitleAndDetail()
    {
        var missing = await Assert.ThrowsAsync<HarnessApiException>(() => client.GetInstanceAsync("i-0000000000000dead"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("Not found", missing.Title);
        Assert.Equal("No instance i-0000000000000dead has metadata here.", missing.Detail);

        var badModel = await Assert.ThrowsAsync<HarnessApiException>(() => client.SetPropagationAsync(new PropagationUpdate { Imds = "fixed(" }));
        Assert.Equal(HttpStatusCode.BadRequest, badModel.Status);

        using var anonymous = new HarnessClient(server.BaseAddress);
        var refused = await Assert.ThrowsAsync<HarnessApiException>(() => anonymous.GetPropagationAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.True(await anonymous.IsHealthyAsync(), "the health check needs no token");
    }

    [Fact]
    public async Task FaultsAndClients_AreAddedListedAndRemoved_AndResetEmptiesTheWorld()
    {
        var (instanceId, _) = await LaunchAsync();

        var fault = await client.AddFaultAsync("imds-error(rate=1)", "flaky");
        Assert.Equal("imds-error", fault.Kind);
        Assert.Equal("flaky", fault.Name);
        Assert.Contains(await client.GetFaultsAsync(), f => f.Id == fault.Id);
        Assert.True(await client.ClearFaultAsync(fault.Id));
        Assert.False(await client.ClearFaultAsync(fault.Id));

        var agent = await client.RegisterClientAsync("agent", instanceId);
        Assert.Equal(instanceId, agent.InstanceId);
        Assert.EndsWith($"/_harness/clients/{agent.Id}/ec2", agent.Ec2Endpoint, StringComparison.Ordinal);
        Assert.Contains(await client.GetClientsAsync(), c => c.Id == agent.Id);
        var ended = await client.EndClientAsync(agent.Id);
        Assert.Equal(ended, (await client.GetClientRecordsAsync(agent.Id)).Client.EndedAt);
        Assert.True(await client.ForgetClientAsync(agent.Id));
        Assert.False(await client.ForgetClientAsync(agent.Id));

        await client.ResetAsync();
        Assert.Empty(await client.GetInstancesAsync());
    }

    private async Task<(string InstanceId, string NetworkInterfaceId)> LaunchAsync()
    {
        var subnet = await TopologyBuilder.SubnetAsync(server);
        var run = await server.OkAsync("RunInstances", new Dictionary<string, string>
        {
            ["ImageId"] = "ami-12345678", ["InstanceType"] = "t3.micro", ["MinCount"] = "1", ["MaxCount"] = "1", ["SubnetId"] = subnet,
        });
        return (HarnessServer.Value(run, "instanceId"), HarnessServer.Value(run, "networkInterfaceId"));
    }
}
