using DotNet.Testcontainers.Containers;
using Harness.Client;

namespace Harness.Testcontainers;

/// <summary>A running harness in a container: its EC2 endpoint, one instance's metadata endpoint and a client for its control API.</summary>
public sealed class HarnessContainer(HarnessConfiguration configuration) : DockerContainer(configuration)
{
    /// <summary>Where both ports are published: the Docker host's loopback, whatever Testcontainers' <c>Hostname</c> says.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>The EC2 Query API (and the control API under <c>/_harness/</c>), e.g. for <c>AmazonEC2Config.ServiceURL</c>.</summary>
    public Uri Ec2Endpoint => Ec2EndpointOf(this);

    /// <summary>The metadata service's published port, before any instance's path.</summary>
    public Uri ImdsBaseUrl => new UriBuilder(Uri.UriSchemeHttp, Loopback, GetMappedPublicPort(HarnessBuilder.ImdsPort)).Uri;

    /// <summary>The control API's bearer token.</summary>
    public string ControlToken => configuration.ControlToken!;

    /// <summary>
    /// One instance's metadata service as a base URL, for <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> (the SDKs append
    /// <c>latest/…</c> to it): the published metadata port with the instance's path.
    /// </summary>
    public Uri GetMetadataEndpoint(string instanceId) => new(ImdsBaseUrl, Uri.EscapeDataString(instanceId) + "/");

    internal static Uri Ec2EndpointOf(IContainer container) =>
        new UriBuilder(Uri.UriSchemeHttp, Loopback, container.GetMappedPublicPort(HarnessBuilder.Ec2Port)).Uri;

    /// <summary>A client for the control API, with the token; dispose it when done.</summary>
    public HarnessClient CreateClient(HttpClient? http = null) => new(Ec2Endpoint, ControlToken, http);
}
