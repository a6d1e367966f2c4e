using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.Runtime;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using Harness.Host;

namespace Harness.Conformance.Tests;

/// <summary>
/// A harness started in-process on free loopback ports, with a short fixed propagation delay so metadata tests
/// wait a fraction of a second, and the AWS SDK for .NET pointed at it with dummy credentials.
/// </summary>
public sealed class SdkHarness : IAsyncLifetime
{
    /// <summary>Every change reaches metadata this long after the call that made it.</summary>
    public static readonly TimeSpan Propagation = TimeSpan.FromMilliseconds(300);

    private HarnessApplication? app;

    public string Ec2Url { get; private set; } = "";

    /// <summary>The control API (<c>/_harness/…</c>), served on the EC2 port.</summary>
    public HttpClient Control { get; } = new();

    public async Task InitializeAsync()
    {
        var options = new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: 14)
        {
            Propagation = PropagationSettings.Of(DelaySpec.Parse($"fixed({Propagation.TotalMilliseconds:0}ms)")),
        };
        app = HarnessApp.Build(options);
        await app.StartAsync();
        Ec2Url = app.Ec2Url;
        Control.BaseAddress = new Uri(Ec2Url);
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>An EC2 client as a user writes one for a private endpoint: ServiceURL, a region to sign for, static keys.</summary>
    public AmazonEC2Client Client(int maxErrorRetry = 2, HttpClientFactory? http = null)
    {
        var config = new AmazonEC2Config { ServiceURL = Ec2Url, AuthenticationRegion = "us-east-1", MaxErrorRetry = maxErrorRetry };
        if (http is not null)
        {
            config.HttpClientFactory = http;
        }

        return new AmazonEC2Client(new BasicAWSCredentials("AKIDCONFORMANCE", "conformance-secret"), config);
    }

    /// <summary><c>GET /_harness/instances/{id}</c>: the instance's metadata endpoint and whether it is in sync.</summary>
    public async Task<JsonElement> InstanceDocumentAsync(string instanceId) =>
        await Control.GetFromJsonAsync<JsonElement>($"/_harness/instances/{instanceId}");

    /// <summary>Puts a fault in force through <c>POST /_harness/faults</c>; returns its id.</summary>
    public async Task<string> AddFaultAsync(string spec)
    {
        using var response = await Control.PostAsJsonAsync("/_harness/faults", new { spec });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /_harness/faults {spec}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task RemoveFaultAsync(string id) => (await Control.DeleteAsync($"/_harness/faults/{id}")).EnsureSuccessStatusCode();

    /// <summary>How many requests fault <paramref name="id"/> has touched (refused, for a throttle).</summary>
    public async Task<long> TouchedAsync(string id) =>
        (await Control.GetFromJsonAsync<JsonElement>($"/_harness/faults/{id}")).GetProperty("touched").GetInt64();
}
