using Harness.ControlPlane.Clients;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using Harness.Imds.Tests.Fixtures;
using Harness.Testing;

namespace Harness.Imds.Tests.Control;

/// <summary>
/// /_harness/clients: a program under test gets a metadata address and an EC2 path of its own, and everything it
/// does there is recorded, apart from everyone else's traffic.
/// </summary>
public sealed class ClientsApiTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task A_registered_client_reads_its_instance_metadata_and_calls_ec2_at_its_own_endpoints_and_both_are_recorded()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var alias = new Uri(client.GetProperty("imdsEndpoint").GetString()!).Host;
        var ec2 = client.GetProperty("ec2Endpoint").GetString()!;
        var clientId = client.GetProperty("id").GetString()!;

        Assert.NotEqual(instance.Address, alias);
        Assert.Equal(instance.Eth0.PrivateIp, await Harness.MetadataAsync(alias, "local-ipv4"));
        await Harness.MetadataAsync(instance.Address, "local-ipv4");
        Assert.Equal(HttpStatusCode.OK, await SendEc2Async(ec2, "DescribeInstances", new() { ["InstanceId.1"] = instance.InstanceId }));
        Assert.Equal(HttpStatusCode.BadRequest, await SendEc2Async(ec2, "AssignPrivateIpAddresses", new() { ["NetworkInterfaceId"] = "eni-0000000000000000f", ["SecondaryPrivateIpAddressCount"] = "1" }));
        Harness.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.GetImdsAsync(alias, "/latest/meta-data/nope/")).Status);

        var (status, body, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{clientId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("dropped").GetInt64());
        var records = body.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(
            ["imds GET /latest/meta-data/local-ipv4 200", "ec2 POST DescribeInstances 200", "ec2 POST AssignPrivateIpAddresses 400", "imds GET /latest/meta-data/nope/ 404"],
            records.Select(r => $"{r.GetProperty("channel").GetString()} {r.GetProperty("method").GetString()} {r.GetProperty("target").GetString()} {r.GetProperty("status").GetInt32()}"));
        Assert.Equal(instance.Eth0.PrivateIp, records[0].GetProperty("body").GetString());
        Assert.True(records[0].GetProperty("current").GetBoolean());
        Assert.Equal(JsonValueKind.Null, records[1].GetProperty("current").ValueKind);
        Assert.Equal($"InstanceId.1={instance.InstanceId}", records[1].GetProperty("body").GetString());
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", records[2].GetProperty("error").GetString());
        var start = Harness.Clock!.GetUtcNow() - TimeSpan.FromSeconds(3);
        Assert.Equal([start, start, start, start + TimeSpan.FromSeconds(3)], records.Select(r => r.GetProperty("at").GetDateTimeOffset()));
    }

    [Fact]
    public async Task Through_one_address_the_clients_id_as_the_path_serves_its_instance_and_records_each_read()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var clientId = client.GetProperty("id").GetString()!;
        var url = client.GetProperty("metadataUrl").GetString()!;

        var token = await Harness.SendImdsAsync("127.0.0.1", HttpMethod.Put, $"/{clientId}/latest/api/token", (ImdsHeaders.Ttl, "60"));
        var read = await Harness.GetImdsAsync("127.0.0.1", $"/{clientId}//latest/meta-data/local-ipv4", (ImdsHeaders.Token, token.Body));
        var (_, body, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{clientId}");

        Assert.Equal($"http://127.0.0.1:{Harness.ImdsPort}/{clientId}/", url);
        Assert.Equal((HttpStatusCode.OK, instance.Eth0.PrivateIp), (read.Status, read.Body));
        Assert.Equal(
            ["PUT /latest/api/token 200", "GET /latest/meta-data/local-ipv4 200"],
            body.GetProperty("records").EnumerateArray().Select(r => $"{r.GetProperty("method").GetString()} {r.GetProperty("target").GetString()} {r.GetProperty("status").GetInt32()}"));
    }

    [Fact]
    public async Task A_read_from_a_view_that_has_not_caught_up_is_recorded_as_not_current()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var alias = new Uri(client.GetProperty("imdsEndpoint").GetString()!).Host;
        var path = $"network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s";
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        var before = await Harness.MetadataAsync(alias, path);
        Propagate();
        var after = await Harness.MetadataAsync(alias, path);

        var (_, body, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{client.GetProperty("id").GetString()}");
        Assert.Equal([false, true], body.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("current").GetBoolean()));
        Assert.Equal(instance.Eth0.PrivateIp, before);
        Assert.Equal($"{instance.Eth0.PrivateIp}\n10.0.1.50", after);
    }

    [Fact]
    public async Task A_stopped_instance_drops_its_clients_connections_too_and_the_record_says_so()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var alias = new Uri(client.GetProperty("imdsEndpoint").GetString()!).Host;
        await Harness.OkAsync("StopInstances", new Dictionary<string, string> { ["InstanceId.1"] = instance.InstanceId });
        Propagate();

        await Assert.ThrowsAsync<HttpRequestException>(() => Harness.GetImdsAsync(alias, "/latest/meta-data/local-ipv4"));

        var (_, body, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{client.GetProperty("id").GetString()}");
        var record = Assert.Single(body.GetProperty("records").EnumerateArray());
        Assert.Equal(0, record.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("body").ValueKind);
    }

    [Fact]
    public async Task A_token_request_is_not_a_view_of_the_metadata_so_it_is_never_current_or_stale()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var alias = new Uri(client.GetProperty("imdsEndpoint").GetString()!).Host;
        await Topology.AssignAsync(Harness, instance.Eth0.NetworkInterfaceId, "10.0.1.50");

        var token = await Harness.TokenAsync(alias);
        await Harness.GetImdsAsync(alias, "/latest/meta-data/local-ipv4", ("X-aws-ec2-metadata-token", token));
        await Harness.GetImdsAsync(alias, $"/latest/meta-data/network/interfaces/macs/{instance.Eth0.Mac}/local-ipv4s", ("X-aws-ec2-metadata-token", token));

        var records = await RecordsAsync(client);
        Assert.Equal(["PUT", "GET", "GET"], records.Select(r => r.GetProperty("method").GetString()));
        Assert.Equal(JsonValueKind.Null, records[0].GetProperty("current").ValueKind);
        Assert.True(records[1].GetProperty("current").GetBoolean());
        Assert.False(records[2].GetProperty("current").GetBoolean());
    }

    /// <summary>
    /// Replies wait for their record: whoever sees a reply and then asks for the records finds it there, every time.
    /// This is what lets a scenario judge a client that exits the instant it reads what it waited for.
    /// </summary>
    [Fact]
    public async Task Every_reply_a_client_receives_is_on_record_before_it_arrives()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var alias = new Uri(client.GetProperty("imdsEndpoint").GetString()!).Host;
        var ec2 = client.GetProperty("ec2Endpoint").GetString()!;

        // Recording is slowed down: a reply that did not wait for its record would arrive before it.
        var taps = Harness.Services.GetRequiredService<ClientTaps>();
        taps.BeforeRecord = () => Task.Delay(50);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                if (i % 2 == 0)
                {
                    await Harness.GetImdsAsync(alias, "/latest/meta-data/local-ipv4");
                }
                else
                {
                    await SendEc2Async(ec2, "DescribeVpcs", []);
                }

                Assert.Equal(i + 1, (await RecordsAsync(client)).Count);
            }
        }
        finally
        {
            taps.BeforeRecord = null;
        }
    }

    [Fact]
    public async Task A_clients_end_is_marked_once_and_what_comes_after_it_is_marked_as_after_its_end()
    {
        var instance = await LaunchAsync();
        var client = await RegisterAsync("agent", instance.InstanceId);
        var clientId = client.GetProperty("id").GetString()!;
        var alias = new Uri(client.GetProperty("imdsEndpoint").GetString()!).Host;
        Assert.Equal(JsonValueKind.Null, client.GetProperty("endedAt").ValueKind);
        await Harness.GetImdsAsync(alias, "/latest/meta-data/local-ipv4");

        var (status, ended, _) = await Harness.ControlAsync(HttpMethod.Post, $"/_harness/clients/{clientId}/end");
        Harness.Advance(TimeSpan.FromSeconds(1));
        await Harness.GetImdsAsync(alias, "/latest/meta-data/local-ipv4");
        var (_, again, _) = await Harness.ControlAsync(HttpMethod.Post, $"/_harness/clients/{clientId}/end");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Harness.Clock!.GetUtcNow() - TimeSpan.FromSeconds(1), ended.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(ended.GetProperty("endedAt").GetDateTimeOffset(), again.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal([false, true], (await RecordsAsync(client)).Select(r => r.GetProperty("afterEnd").GetBoolean()));
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.ControlAsync(HttpMethod.Post, "/_harness/clients/client-99/end")).Status);
    }

    [Fact]
    public async Task Clients_are_listed_deleted_and_forgotten_on_reset()
    {
        var instance = await LaunchAsync();
        var first = (await RegisterAsync("a", instance.InstanceId)).GetProperty("id").GetString();
        Assert.Equal("client-1", first);
        var second = await RegisterAsync("b", instance.InstanceId);

        var (_, list, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/clients");
        Assert.Equal(["a", "b"], list.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await Harness.ControlAsync(HttpMethod.Delete, $"/_harness/clients/{first}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{first}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.ControlAsync(HttpMethod.Delete, $"/_harness/clients/{first}")).Status);

        await Harness.ResetAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{second.GetProperty("id").GetString()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, await SendEc2Async(second.GetProperty("ec2Endpoint").GetString()!, "DescribeVpcs", []));
    }

    [Theory]
    [InlineData("{\"name\": \"a\", \"instanceId\": \"i-0123456789abcdef0\"}", HttpStatusCode.NotFound, "No instance i-0123456789abcdef0 has metadata here.")]
    [InlineData("{\"name\": \"\", \"instanceId\": \"i-1\"}", HttpStatusCode.BadRequest, "both non-empty")]
    [InlineData("{\"name\": 3}", HttpStatusCode.BadRequest, "The body must be")]
    [InlineData("[]", HttpStatusCode.BadRequest, "The body must be")]
    public async Task Bad_registrations_get_a_problem(string json, HttpStatusCode expected, string detail)
    {
        var (status, body, mediaType) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/clients", json);

        Assert.Equal(expected, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Contains(detail, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_wrong_method_gets_405_with_what_is_allowed()
    {
        var (status, _, _) = await Harness.ControlAsync(HttpMethod.Put, "/_harness/clients");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
    }

    private async Task<JsonElement> RegisterAsync(string name, string instanceId)
    {
        var (status, body, _) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/clients", JsonSerializer.Serialize(new { name, instanceId }));
        Assert.Equal(HttpStatusCode.Created, status);
        return body;
    }

    private async Task<List<JsonElement>> RecordsAsync(JsonElement client)
    {
        var (_, body, _) = await Harness.ControlAsync(HttpMethod.Get, $"/_harness/clients/{client.GetProperty("id").GetString()}");
        return [.. body.GetProperty("records").EnumerateArray()];
    }

    private async Task<HttpStatusCode> SendEc2Async(string endpoint, string action, Dictionary<string, string> parameters)
    {
        using var request = Ec2QueryRequest.Create(action, parameters);
        request.RequestUri = new Uri(endpoint);
        using var response = await Harness.Http.SendAsync(request);
        return response.StatusCode;
    }
}
