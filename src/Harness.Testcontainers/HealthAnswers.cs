using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using Harness.Client;

namespace Harness.Testcontainers;

/// <summary>
/// Waits until the harness answers its health check on the published EC2 port, on 127.0.0.1 where the port is
/// published. Testcontainers' own HTTP wait asks its <c>Hostname</c>, which inside a container (a CI runner's) is the
/// Docker gateway, where a port published on loopback does not answer.
/// </summary>
internal sealed class HealthAnswers : IWaitUntil
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<bool> UntilAsync(IContainer container)
    {
        using var harness = new HarnessClient(HarnessContainer.Ec2EndpointOf(container), http: Http);
        try
        {
            return await harness.IsHealthyAsync();
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
