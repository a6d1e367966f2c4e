using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace Harness.Testcontainers;

/// <summary>
/// Waits until <c>/_harness/health</c> answers 200 on the published EC2 port, on 127.0.0.1 where the port is published.
/// Testcontainers' own HTTP wait asks its <c>Hostname</c>, which inside a container (a CI runner's) is the Docker
/// gateway, where a port published on loopback does not answer.
/// </summary>
internal sealed class HealthAnswers : IWaitUntil
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<bool> UntilAsync(IContainer container)
    {
        var url = new UriBuilder(Uri.UriSchemeHttp, HarnessContainer.Loopback, container.GetMappedPublicPort(HarnessBuilder.Ec2Port), "/_harness/health").Uri;
        try
        {
            using var reply = await Http.GetAsync(url);
            return reply.IsSuccessStatusCode;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
