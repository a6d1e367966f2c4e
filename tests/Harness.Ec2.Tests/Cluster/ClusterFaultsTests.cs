using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Harness.Testing;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// Faults in a cluster: one added through any process has one id and is in force on every process, and on one that
/// joins while it lasts; one cleared through any process ends everywhere.
/// </summary>
public sealed class ClusterFaultsTests : IAsyncLifetime
{
    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AFaultAddedOnOneProcess_TouchesRequestsToEveryProcess_UntilClearedThroughAnother()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        using var onA = new HttpClient { BaseAddress = a.Ec2Url };
        using var onB = new HttpClient { BaseAddress = b.Ec2Url };

        using var added = await onA.PostAsJsonAsync("/_harness/faults", new { spec = "ec2-error(code=Unavailable, rate=100%, action=DescribeVpcs)", name = "outage" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var id = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var c = await cluster.StartAsync("blue");
        using var onC = new HttpClient { BaseAddress = c.Ec2Url };
        var duplicate = await onB.PostAsJsonAsync("/_harness/faults", new { spec = "ec2-latency(delay=fixed(1s))", name = "outage" });

        foreach (var http in new[] { onA, onB, onC })
        {
            using var listed = JsonDocument.Parse(await http.GetStringAsync("/_harness/faults"));
            var fault = Assert.Single(listed.RootElement.GetProperty("faults").EnumerateArray());
            Assert.Equal(id, fault.GetProperty("id").GetString());
            Assert.Equal("outage", fault.GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await DescribeVpcsAsync(http)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        using var cleared = await onC.DeleteAsync("/_harness/faults/outage");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        foreach (var http in new[] { onA, onB, onC })
        {
            Assert.Equal(HttpStatusCode.OK, (await DescribeVpcsAsync(http)).StatusCode);
            using var listed = JsonDocument.Parse(await http.GetStringAsync("/_harness/faults"));
            Assert.Empty(listed.RootElement.GetProperty("faults").EnumerateArray());
        }

        using var again = await onB.DeleteAsync("/_harness/faults/outage");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task FaultsAddedOnTwoProcesses_GetDistinctIds_AndAClearThroughOneEndsThemAll()
    {
        var (a, b) = (await cluster.StartAsync("blue"), await cluster.StartAsync("blue"));
        using var onA = new HttpClient { BaseAddress = a.Ec2Url };
        using var onB = new HttpClient { BaseAddress = b.Ec2Url };

        var ids = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? onA : onB).PostAsJsonAsync("/_harness/faults", new { spec = $"ec2-latency(delay=fixed({i + 1}ms))" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        }));
        using var listedOnA = JsonDocument.Parse(await onA.GetStringAsync("/_harness/faults"));
        using var listedOnB = JsonDocument.Parse(await onB.GetStringAsync("/_harness/faults"));
        using var clear = await onB.DeleteAsync("/_harness/faults");

        Assert.Equal(6, ids.Distinct().Count());
        Assert.Equal(Ids(listedOnA), Ids(listedOnB));
        Assert.Equal(ids.Order(StringComparer.Ordinal), Ids(listedOnA));
        Assert.Equal(6, JsonDocument.Parse(await clear.Content.ReadAsStringAsync()).RootElement.GetProperty("cleared").GetInt32());
        using var after = JsonDocument.Parse(await onA.GetStringAsync("/_harness/faults"));
        Assert.Empty(after.RootElement.GetProperty("faults").EnumerateArray());
    }

    private static string[] Ids(JsonDocument list) =>
        [.. list.RootElement.GetProperty("faults").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];

    private static Task<HttpResponseMessage> DescribeVpcsAsync(HttpClient http) => http.SendAsync(Ec2QueryRequest.Create("DescribeVpcs"));
}
