using Harness.Runtime;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using Harness.Host;
using Harness.Testing;

namespace Harness.Imds.Tests.Fixtures;

/// <summary>
/// The real harness on free loopback ports with <c>fixed(1500ms)</c> propagation: a signed Query client for the EC2
/// facade, a client for the control API, and a client for the metadata service on each instance's own 127.a.b.c.
/// </summary>
public abstract class HarnessFixture : IAsyncLifetime
{
    public const string Spec = "fixed(1500ms)";
    public static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private HarnessApplication? app;

    protected HarnessFixture(VirtualTimeProvider? clock) => Clock = clock;

    /// <summary>The fake clock the harness runs on, or null when it runs on the system clock.</summary>
    public VirtualTimeProvider? Clock { get; }

    /// <summary>The EC2 facade and control API.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Metadata reads; a short time-out, so a dropped connection fails fast rather than hanging.</summary>
    public HttpClient Imds { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public int ImdsPort { get; private set; }

    /// <summary>The running harness's services, for tests that reach behind its endpoints.</summary>
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The harness has not started.");

    public string ImdsBaseUrl { get; private set; } = "";

    /// <summary>The Alibaba ECS/VPC API's base URL.</summary>
    public string EcsUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var options = new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: 7) { Propagation = PropagationSettings.Of(DelaySpec.Parse(Spec)) };
        app = HarnessApp.Build(options, Clock);
        await app.StartAsync();
        Http.BaseAddress = new Uri(app.Ec2Url);
        ImdsPort = app.ImdsPort;
        ImdsBaseUrl = app.ImdsBaseUrl;
        EcsUrl = app.EcsUrl;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Imds.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>Moves the fake clock (fake-time fixtures only).</summary>
    public void Advance(TimeSpan delta) => (Clock ?? throw new InvalidOperationException("This harness runs on the system clock.")).Advance(delta);

    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>POSTs a Query form signed for <paramref name="region"/> (the harness parses the scope, not the signature).</summary>
    public async Task<(HttpStatusCode Status, XElement Body)> CallAsync(string action, IDictionary<string, string>? parameters = null, string region = "us-east-1")
    {
        using var request = Ec2QueryRequest.Create(action, parameters, region);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Calls and expects success; returns the response element.</summary>
    public async Task<XElement> OkAsync(string action, IDictionary<string, string>? parameters = null, string region = "us-east-1")
    {
        var (status, body) = await CallAsync(action, parameters, region);
        Assert.True(status == HttpStatusCode.OK, $"{action} failed: {body}");
        return body;
    }

    public static string Value(XElement body, string name) => body.Descendants(Ec2 + name).First().Value;

    /// <summary>One control API call, a POST always as JSON; the body parsed as JSON (default when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)> ControlAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null || method == HttpMethod.Post)
        {
            // The control API takes POSTs as JSON even when they carry nothing.
            request.Content = new StringContent(json ?? "", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Sends one metadata request to <paramref name="address"/> (an instance's 127.a.b.c, or 127.0.0.1).</summary>
    public async Task<ImdsReply> SendImdsAsync(string address, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, $"http://{address}:{ImdsPort}{path}");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Imds.SendAsync(request);
        return await ImdsReply.ReadAsync(response);
    }

    public Task<ImdsReply> GetImdsAsync(string address, string path, params (string Name, string Value)[] headers) =>
        SendImdsAsync(address, HttpMethod.Get, path, headers);

    /// <summary>Reads a metadata key that must exist; returns its body.</summary>
    public async Task<string> MetadataAsync(string address, string key)
    {
        var reply = await GetImdsAsync(address, "/latest/meta-data/" + key);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{key} on {address}: {(int)reply.Status} {reply.Body}");
        return reply.Body;
    }

    /// <summary>Asks for an IMDSv2 token with <paramref name="ttl"/> seconds; returns it.</summary>
    public async Task<string> TokenAsync(string address, int ttl = 21600)
    {
        var reply = await SendImdsAsync(address, HttpMethod.Put, "/latest/api/token", (ImdsHeaders.Ttl, ttl.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Body;
    }
}

/// <summary>The harness on a <see cref="VirtualTimeProvider"/>: delays elapse only when a test advances the clock.</summary>
public sealed class FakeClockHarness() : HarnessFixture(new VirtualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));

/// <summary>The harness on the system clock, for the few end-to-end real-time tests.</summary>
public sealed class RealClockHarness() : HarnessFixture(null);
