using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2.Model;
using Harness.Ec2.Tests.Hardening;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// An instance's metadata in a cluster: every process serves it at an endpoint of its own, and a change made through any
/// process reaches each of them after the propagation delay, not before, with the same seeded due time on both.
/// </summary>
public sealed class ClusterMetadataTests : IAsyncLifetime
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AnAssignMadeOnOneProcess_ReachesTheMetadataOfEveryProcess_AfterTheDelayAndNotBefore()
    {
        var (a, b) = (await cluster.StartAsync("blue", "--propagation", "fixed(2s)"), await cluster.StartAsync("blue", "--propagation", "fixed(2s)"));
        var ec2 = ClusterEc2.Client(a);
        var instance = await ClusterEc2.LaunchAsync(ec2, await ClusterEc2.SubnetAsync(ec2, "10.11.0.0/16"));
        var eni = instance.NetworkInterfaces[0];
        var path = $"/latest/meta-data/network/interfaces/macs/{eni.MacAddress}/local-ipv4s";

        // Each process names an endpoint on its own metadata port, and serves the launched instance there.
        var endpoints = new[] { await EndpointAsync(a, instance.InstanceId), await EndpointAsync(b, instance.InstanceId) };
        Assert.Equal(a.ImdsPort, endpoints[0].Port);
        Assert.Equal(b.ImdsPort, endpoints[1].Port);
        foreach (var endpoint in endpoints)
        {
            Assert.Equal(instance.PrivateIpAddress, (await ReadAsync(endpoint, path)).Trim());
        }

        var clock = Stopwatch.StartNew();
        var added = Assert.Single((await ClusterEc2.Client(b).AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount = 1,
        })).AssignedPrivateIpAddresses).PrivateIpAddress;
        var early = await Task.WhenAll(endpoints.Select(e => ReadAsync(e, path)));
        var seenAfter = await Task.WhenAll(endpoints.Select(async e =>
        {
            while (!(await ReadAsync(e, path)).Contains(added, StringComparison.Ordinal))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{e} never showed {added}");
                await Task.Delay(50);
            }

            return clock.Elapsed;
        }));

        Assert.All(early, text => Assert.DoesNotContain(added, text, StringComparison.Ordinal));
        Assert.All(seenAfter, elapsed => Assert.True(elapsed >= Delay - TimeSpan.FromMilliseconds(100), $"seen after {elapsed}"));
        var delays = await Task.WhenAll(new[] { a, b }.Select(p => DrawnDelayAsync(p, instance.InstanceId)));
        Assert.All(delays, d => Assert.Equal(Delay, d));
    }

    [Fact]
    public async Task PropagationSettingsAndFlush_SetThroughOneProcess_AreInForceOnEvery_AndOnOneThatJoinsLater()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        using var onA = new HttpClient { BaseAddress = a.Ec2Url };
        using var onB = new HttpClient { BaseAddress = b.Ec2Url };

        using var put = await onA.PutAsync("/_harness/propagation", Json("""{"imds":"never","kinds":{"elastic-ips":"fixed(3s)"}}"""));
        put.EnsureSuccessStatusCode();
        var c = await cluster.StartAsync("blue");
        foreach (var process in new[] { b, c })
        {
            using var http = new HttpClient { BaseAddress = process.Ec2Url };
            using var settings = JsonDocument.Parse(await http.GetStringAsync("/_harness/propagation"));
            Assert.Equal("never", settings.RootElement.GetProperty("imds").GetString());
            Assert.Equal("fixed(3s)", settings.RootElement.GetProperty("kinds").GetProperty("elastic-ips").GetString());
        }

        // With "never", an assign waits on every process until a flush through any one of them.
        var ec2 = ClusterEc2.Client(a);
        var instance = await ClusterEc2.LaunchAsync(ec2, await ClusterEc2.SubnetAsync(ec2, "10.12.0.0/16"));
        var eni = instance.NetworkInterfaces[0];
        var path = $"/latest/meta-data/network/interfaces/macs/{eni.MacAddress}/local-ipv4s";
        var added = Assert.Single((await ClusterEc2.Client(c).AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount = 1,
        })).AssignedPrivateIpAddresses).PrivateIpAddress;
        var endpoints = await Task.WhenAll(new[] { a, b, c }.Select(p => EndpointAsync(p, instance.InstanceId)));
        var before = await Task.WhenAll(endpoints.Select(e => ReadAsync(e, path)));
        using var flush = await onB.PostAsync("/_harness/propagation/flush", Json("{}"));
        flush.EnsureSuccessStatusCode();
        var after = await Task.WhenAll(endpoints.Select(e => ReadAsync(e, path)));

        Assert.All(before, text => Assert.DoesNotContain(added, text, StringComparison.Ordinal));
        Assert.All(after, text => Assert.Contains(added, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnImdsV2Token_FromOneProcesssMetadataService_IsGoodAtAnothers()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        var ec2 = ClusterEc2.Client(a);
        var instance = (await ClusterEc2.LaunchAsync(ec2, await ClusterEc2.SubnetAsync(ec2, "10.16.0.0/16"))).InstanceId;
        var (onA, onB) = (await EndpointAsync(a, instance), await EndpointAsync(b, instance));

        using var fromA = new HttpClient { BaseAddress = onA };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");
        using var token = await fromA.SendAsync(tokenRequest);
        token.EnsureSuccessStatusCode();
        using var atB = new HttpClient { BaseAddress = onB };
        using var read = new HttpRequestMessage(HttpMethod.Get, "/latest/meta-data/instance-id");
        read.Headers.Add("X-aws-ec2-metadata-token", await token.Content.ReadAsStringAsync());
        using var response = await atB.SendAsync(read);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/latest/meta-data/instance-id");
        forged.Headers.Add("X-aws-ec2-metadata-token", Convert.ToBase64String(new byte[40]));
        using var refused = await atB.SendAsync(forged);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(instance, await response.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    /// <summary>The imdsEndpoint the process gives for the instance in GET /_harness/instances/{id}.</summary>
    private static async Task<Uri> EndpointAsync(ServeProcess process, string instanceId)
    {
        using var http = new HttpClient { BaseAddress = process.Ec2Url };
        using var document = JsonDocument.Parse(await http.GetStringAsync($"/_harness/instances/{instanceId}"));
        return new Uri(document.RootElement.GetProperty("imdsEndpoint").GetString()!);
    }

    /// <summary>The last change's due time less the time it was made, from the process's timeline.</summary>
    private static async Task<TimeSpan> DrawnDelayAsync(ServeProcess process, string instanceId)
    {
        using var http = new HttpClient { BaseAddress = process.Ec2Url };
        using var document = JsonDocument.Parse(await http.GetStringAsync($"/_harness/events?instanceId={instanceId}"));
        var last = document.RootElement.GetProperty("events").EnumerateArray().Last();
        return last.GetProperty("dueAt").GetDateTimeOffset() - last.GetProperty("madeAt").GetDateTimeOffset();
    }

    /// <summary>An IMDSv2 read at the instance's own endpoint.</summary>
    private static async Task<string> ReadAsync(Uri endpoint, string path)
    {
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(10) };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");
        using var token = await http.SendAsync(tokenRequest);
        token.EnsureSuccessStatusCode();
        using var read = new HttpRequestMessage(HttpMethod.Get, path);
        read.Headers.Add("X-aws-ec2-metadata-token", await token.Content.ReadAsStringAsync());
        using var response = await http.SendAsync(read);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
