using System.Net;
using System.Xml.Linq;
using Harness.Host;
using Harness.Testing;

namespace Harness.Ec2.Tests;

/// <summary>The real harness app on a free loopback port, and a raw Query-protocol client for it.</summary>
public sealed class HarnessServer : IAsyncLifetime
{
    public static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private readonly HarnessHostOptions options;
    private readonly TimeProvider? time;
    private HarnessApplication? app;

    public HarnessServer()
        : this(new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: 7), null)
    {
    }

    private HarnessServer(HarnessHostOptions options, TimeProvider? time)
    {
        this.options = options;
        this.time = time;
    }

    public HttpClient Http { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The Alibaba ECS and VPC APIs' base address (a port of its own).</summary>
    public Uri EcsAddress { get; private set; } = null!;

    /// <summary>The running harness's services.</summary>
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        app = HarnessApp.Build(options, time);
        await app.StartAsync();
        BaseAddress = new Uri(app.Ec2Url);
        EcsAddress = new Uri(app.EcsUrl);
        Http.BaseAddress = BaseAddress;
    }

    /// <summary>A harness of its own, with <paramref name="options"/> (ports 0) and, when given, on fake time.</summary>
    public static async Task<HarnessServer> StartAsync(HarnessHostOptions options, TimeProvider? time = null)
    {
        var server = new HarnessServer(options with { Ec2Port = 0, ImdsPort = 0 }, time);
        await server.InitializeAsync();
        return server;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    public Task<HttpResponseMessage> ResetAsync() => Http.PostAsync("/_harness/reset", new StringContent("", null, "application/json"));

    /// <summary>POSTs a form the way SDKs do, signed for <paramref name="region"/> (the harness parses, not verifies).</summary>
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

    /// <summary>Calls and expects an EC2 error; returns its code.</summary>
    public async Task<(HttpStatusCode Status, string Code, string Message)> ErrorAsync(string action, IDictionary<string, string>? parameters = null)
    {
        var (status, body) = await CallAsync(action, parameters);
        Assert.NotEqual(HttpStatusCode.OK, status);
        var error = body.Element("Errors")!.Element("Error")!;
        Assert.NotNull(body.Element("RequestID"));
        return (status, error.Element("Code")!.Value, error.Element("Message")!.Value);
    }

    public static string Value(XElement body, string name) => body.Descendants(Ec2 + name).First().Value;
}
