using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Harness.ControlPlane.Metadata;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.Control;

/// <summary>PUT /_harness/propagation[/instances/{id}] with bodies that are not UTF-8, and with many PUTs at once.</summary>
public sealed class PropagationApiRobustnessTests(FakeClockHarness harness) : FakeClockTests(harness)
{
    public static TheoryData<string> NotUtf8Bodies =>
    [
        // \xff stands for the single byte 0xFF, which is never valid UTF-8.
        """{"imds":"\xff"}""",
        """{"imds":"fixed(1s)\xff"}""",
        """{"kinds":{"private-ipv4s":"\xff"}}""",
        """{"\xff":"fixed(1s)"}""",
        """{"imds":"fixed(1s)","kinds":{"\xff":"fixed(1s)"}}""",
    ];

    [Theory]
    [MemberData(nameof(NotUtf8Bodies))]
    public async Task Put_StringThatIsNotUtf8_Is400ProblemAndChangesNothing(string body)
    {
        var (status, mediaType, problem) = await PutRawAsync("/_harness/propagation", Bytes(body));
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {problem}");
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(400, JsonDocument.Parse(problem).RootElement.GetProperty("status").GetInt32());
        Assert.Equal(HarnessFixture.Spec, after.GetProperty("imds").GetString());
        Assert.Empty(after.GetProperty("kinds").EnumerateObject());
    }

    [Theory]
    [InlineData("""{"imds":"\xff"}""")]
    [InlineData("""{"\xff":"fixed(1s)"}""")]
    public async Task PutInstanceOverride_StringThatIsNotUtf8_Is400ProblemAndChangesNothing(string body)
    {
        var instance = await LaunchAsync();

        var (status, mediaType, problem) = await PutRawAsync($"/_harness/propagation/instances/{instance.InstanceId}", Bytes(body));
        var (_, after, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {problem}");
        Assert.Equal("application/problem+json", mediaType);
        Assert.Empty(after.GetProperty("instances").EnumerateObject());
    }

    [Fact]
    public async Task PutInterfaceOverride_StringThatIsNotUtf8_Is400Problem()
    {
        var instance = await LaunchAsync();

        var (status, mediaType, problem) = await PutRawAsync($"/_harness/propagation/interfaces/{instance.Eth0.NetworkInterfaceId}", Bytes("""{"imds":"\xff"}"""));

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {problem}");
        Assert.Equal("application/problem+json", mediaType);
    }

    [Fact]
    public async Task Put_SixteenAtOnceOnDifferentFields_LoseNothing()
    {
        // The nine kinds, the three other settings, and four instance overrides: sixteen PUTs, each touching its own field,
        // sent together. Every round touches every field, so the settings after a round depend on that round alone.
        var network = await Topology.NetworkAsync(Harness);
        var instances = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            instances.Add((await Topology.LaunchAsync(Harness, network)).InstanceId);
        }

        var kinds = MetadataChangeKinds.All;
        Assert.Equal(9, kinds.Count);
        for (var round = 0; round < 6; round++)
        {
            var r = round;
            string? KindSpec(int i) => (i + r) % 3 == 0 ? null : $"fixed({i + 1 + (r * 10)}s)";
            var requests = new List<Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)>>();
            for (var i = 0; i < kinds.Count; i++)
            {
                var spec = KindSpec(i);
                var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["kinds"] = new Dictionary<string, string?> { [kinds[i]] = spec } });
                requests.Add(Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", body));
            }

            requests.Add(Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", $$"""{"imds":"fixed({{r + 2}}s)"}"""));
            requests.Add(Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", $$"""{"reorder":{{(r % 2 == 0 ? "true" : "false")}}}"""));
            requests.Add(Harness.ControlAsync(HttpMethod.Put, "/_harness/propagation", $$"""{"forcedDetachStaysStale":{{(r % 2 == 1 ? "true" : "false")}}}"""));
            for (var j = 0; j < instances.Count; j++)
            {
                requests.Add(Harness.ControlAsync(HttpMethod.Put, $"/_harness/propagation/instances/{instances[j]}", $$"""{"imds":"fixed({{100 + j + r}}ms)"}"""));
            }

            Assert.Equal(16, requests.Count);
            var replies = await Task.WhenAll(requests);
            var (_, settings, _) = await Harness.ControlAsync(HttpMethod.Get, "/_harness/propagation");

            Assert.All(replies, reply => Assert.Equal(HttpStatusCode.OK, reply.Status));
            var expectedKinds = Enumerable.Range(0, kinds.Count)
                .Where(i => KindSpec(i) is not null)
                .Select(i => $"{kinds[i]}={KindSpec(i)}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(expectedKinds, Pairs(settings.GetProperty("kinds")));
            Assert.Equal($"fixed({r + 2}s)", settings.GetProperty("imds").GetString());
            Assert.Equal(r % 2 == 0, settings.GetProperty("reorder").GetBoolean());
            Assert.Equal(r % 2 == 1, settings.GetProperty("forcedDetachStaysStale").GetBoolean());
            Assert.Equal(
                instances.Select((id, j) => $"{id}=fixed({100 + j + r}ms)").Order(StringComparer.Ordinal),
                Pairs(settings.GetProperty("instances")));
        }
    }

    /// <summary>The body's text as bytes, with <c>\xff</c> written as the lone byte 0xFF.</summary>
    private static byte[] Bytes(string body)
    {
        var parts = body.Split("\\xff");
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
            if (i < parts.Length - 1)
            {
                bytes.Add(0xFF);
            }
        }

        return [.. bytes];
    }

    private static IEnumerable<string> Pairs(JsonElement map) =>
        map.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}").Order(StringComparer.Ordinal);

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> PutRawAsync(string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Harness.Http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
