using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// /_harness/clients in a cluster: a client is registered and recorded on the process that was asked, numbered by the
/// world grain so that its id names it in the whole cluster, and every process lists it, shows what it did, marks its end
/// and unregisters it.
/// </summary>
public sealed class ClusterClientsTests : IAsyncLifetime
{
    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AClientRegisteredOnOneProcess_IsListedShownEndedAndRemovedThroughAnother()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        var ec2 = ClusterEc2.Client(a);
        var instance = await ClusterEc2.LaunchAsync(ec2, await ClusterEc2.SubnetAsync(ec2, "10.23.0.0/16"));
        using var onA = new HttpClient { BaseAddress = a.Ec2Url };
        using var onB = new HttpClient { BaseAddress = b.Ec2Url };

        // One numbering for the cluster: the first client, registered on B, and the second, on A.
        using var first = await RegisterAsync(onB, "agent-b", instance.InstanceId);
        using var second = await RegisterAsync(onA, "agent-a", instance.InstanceId);
        var (idB, idA) = (Id(first), Id(second));
        Assert.Equal(["client-1", "client-2"], new[] { idB, idA });

        // B's client calls EC2 at B (its endpoint is B's) and reads metadata at B's metadata port.
        var endpoint = first.RootElement.GetProperty("ec2Endpoint").GetString()!;
        Assert.StartsWith(b.Ec2Url.GetLeftPart(UriPartial.Authority), endpoint, StringComparison.Ordinal);
        Assert.Equal(b.ImdsPort, new Uri(first.RootElement.GetProperty("imdsEndpoint").GetString()!).Port);
        using var agent = new AmazonEC2Client(new BasicAWSCredentials("AKIDEXAMPLE", "harness-secret"), new AmazonEC2Config
        {
            ServiceURL = endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0,
        });
        await agent.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance.InstanceId] });

        // Both processes list both clients, each with the endpoints of the process it is registered on.
        foreach (var http in new[] { onA, onB })
        {
            using var list = JsonDocument.Parse(await http.GetStringAsync("/_harness/clients"));
            var clients = list.RootElement.GetProperty("clients").EnumerateArray().ToList();
            Assert.Equal([idB, idA], clients.Select(c => c.GetProperty("id").GetString()));
            Assert.Equal([b.ImdsPort, a.ImdsPort], clients.Select(c => new Uri(c.GetProperty("imdsEndpoint").GetString()!).Port));
        }

        // A shows what B's client did, marks its end and unregisters it.
        using var records = JsonDocument.Parse(await onA.GetStringAsync($"/_harness/clients/{idB}"));
        var record = Assert.Single(records.RootElement.GetProperty("records").EnumerateArray());
        Assert.Equal("ec2 DescribeInstances 200", $"{record.GetProperty("channel").GetString()} {record.GetProperty("target").GetString()} {record.GetProperty("status").GetInt32()}");
        using var ended = await onA.PostAsync($"/_harness/clients/{idB}/end", new StringContent("", null, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        using (var card = JsonDocument.Parse(await ended.Content.ReadAsStringAsync()))
        {
            Assert.NotEqual(JsonValueKind.Null, card.RootElement.GetProperty("endedAt").ValueKind);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await onA.DeleteAsync($"/_harness/clients/{idB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync($"/_harness/clients/{idB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onA.DeleteAsync($"/_harness/clients/{idB}")).StatusCode);
        using var left = JsonDocument.Parse(await onB.GetStringAsync("/_harness/clients"));
        Assert.Equal([idA], left.RootElement.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }

    private static async Task<JsonDocument> RegisterAsync(HttpClient http, string name, string instanceId)
    {
        using var response = await http.PostAsJsonAsync("/_harness/clients", new { name, instanceId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string Id(JsonDocument client) => client.RootElement.GetProperty("id").GetString()!;
}
