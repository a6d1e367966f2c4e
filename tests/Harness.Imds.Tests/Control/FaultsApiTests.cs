using System.Net;
using System.Text.Json;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using Harness.Domain.Faults;
using Harness.Host;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>/_harness/faults: adding with a spec, listing, clearing, the fault timeline, and bad input.</summary>
public sealed class FaultsApiTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    [Fact]
    public async Task Post_ReturnsTheFaultWithItsCanonicalSpec_AndGetListsIt()
    {
        var (status, created, _) = await PostAsync(new { spec = "imds-error( rate = 25% , instance=i-0abc, for=30s)", name = "brownout" });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("brownout", created.GetProperty("name").GetString());
        Assert.Equal("imds-error", created.GetProperty("kind").GetString());
        Assert.Equal("imds-error(status=503, rate=0.25, instance=i-0abc, for=30s)", created.GetProperty("spec").GetString());
        Assert.Equal("api", created.GetProperty("source").GetString());
        Assert.Equal(
            created.GetProperty("addedAt").GetDateTimeOffset() + TimeSpan.FromSeconds(30), created.GetProperty("expiresAt").GetDateTimeOffset());
        var id = created.GetProperty("id").GetString()!;

        var (_, list, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults");
        var listed = Assert.Single(list.GetProperty("faults").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        var (byName, one, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults/brownout");
        Assert.Equal((HttpStatusCode.OK, id), (byName, one.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("imds-eror", 0)]
    [InlineData("imds-error(rate=2)", 16)]
    [InlineData("imds-latency(delay=lognormal(median=1s,p99=500ms))", 43)]
    [InlineData("ec2-error(action=Frobnicate)", 17)]
    public async Task Post_BadSpec_Is400_WithThePositionAndACaret(string spec, int position)
    {
        var (status, problem, mediaType) = await PostAsync(new { spec });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        Assert.Equal(spec, problem.GetProperty("spec").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.EndsWith($"\n  {spec}\n  {new string(' ', position)}^", detail, StringComparison.Ordinal);
        var (_, list, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults");
        Assert.Empty(list.GetProperty("faults").EnumerateArray());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"spec\": 3}")]
    [InlineData("not json")]
    [InlineData("{\"spec\": \"imds-stuck\", \"name\": \"\"}")]
    public async Task Post_BadBody_Is400(string body)
    {
        var (status, problem, _) = await Harness.ControlAsync(HttpMethod.Post, "/_harness/faults", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Post_ANameInForce_Is409()
    {
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { spec = "imds-stuck", name = "x" })).Status);

        var (status, problem, _) = await PostAsync(new { spec = "imds-never(kind=private-ipv4s)", name = "x" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("'x' is already in force", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ByIdOrName_ThenAgainIs404()
    {
        var id = (await PostAsync(new { spec = "imds-stuck" })).Body.GetProperty("id").GetString()!;
        await PostAsync(new { spec = "ec2-lag(delay=fixed(1s))", name = "lag" });

        Assert.Equal(HttpStatusCode.NoContent, (await Harness.ControlAsync(HttpMethod.Delete, $"/_harness/faults/{id}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Harness.ControlAsync(HttpMethod.Delete, "/_harness/faults/lag")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Harness.ControlAsync(HttpMethod.Delete, $"/_harness/faults/{id}")).Status);
        var (_, page, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults/events");
        Assert.Equal(["added", "added", "cleared", "cleared"], page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task DeleteAll_ClearsEveryFault()
    {
        await PostAsync(new { spec = "imds-stuck" });
        await PostAsync(new { spec = "ec2-throttle" });

        var (status, report, _) = await Harness.ControlAsync(HttpMethod.Delete, "/_harness/faults");

        Assert.Equal((HttpStatusCode.OK, 2), (status, report.GetProperty("cleared").GetInt32()));
        var (_, list, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults");
        Assert.Empty(list.GetProperty("faults").EnumerateArray());
    }

    [Fact]
    public async Task For_ExpiresOnTheHarnessClock()
    {
        await PostAsync(new { spec = "imds-stuck(for=10s)" });
        Harness.Advance(TimeSpan.FromSeconds(10));

        var (_, list, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults");
        var (_, page, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/faults/events");

        Assert.Empty(list.GetProperty("faults").EnumerateArray());
        Assert.Equal("expired", page.GetProperty("events").EnumerateArray().Last().GetProperty("event").GetString());
    }

    [Theory]
    [InlineData("/_harness/faults/events?limit=0")]
    [InlineData("/_harness/faults/events?after=-1")]
    public async Task Events_BadPaging_Is400(string path) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await Harness.ControlAsync(HttpMethod.Get, path)).Status);

    [Fact]
    public async Task WrongMethod_Is405_WithAllow()
    {
        using var response = await Harness.Http.PutAsync("/_harness/faults", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, POST, DELETE", response.Content.Headers.Allow.Count > 0 ? string.Join(", ", response.Content.Headers.Allow) : string.Join(", ", response.Headers.GetValues("Allow")));
    }

    [Fact]
    public async Task Reset_DropsAddedFaults_AndRestoresStartUpOnes()
    {
        var options = new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0) with
        {
            Propagation = PropagationSettings.Of(DelaySpec.Parse("fixed(1s)")),
            Faults = [FaultSpec.Parse("ec2-throttle"), FaultSpec.Parse("imds-error(status=500, rate=10%)")],
        };
        await using var app = HarnessApp.Build(options, new Harness.Runtime.VirtualTimeProvider(DateTimeOffset.UnixEpoch));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Ec2Url) };
        using var added = await http.PostAsync("/_harness/faults", new StringContent("{\"spec\":\"imds-stuck\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        using var reset = await http.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));
        using var document = JsonDocument.Parse(await http.GetStringAsync("/_harness/faults"));

        var faults = document.RootElement.GetProperty("faults").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString(), f.GetProperty("spec").GetString(), f.GetProperty("source").GetString())).ToList();
        Assert.Equal([("fault-1", "ec2-throttle(scale=1)", "serve"), ("fault-2", "imds-error(status=500, rate=0.1)", "serve")], faults);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)> PostAsync(object body) =>
        Harness.ControlAsync(HttpMethod.Post, "/_harness/faults", JsonSerializer.Serialize(body));
}
