using Harness.ControlPlane.Cluster;
using Harness.Host.Hardening;
using Harness.Imds;

namespace Harness.Host;

/// <summary>The running harness: the EC2 facade with the control API, and the metadata service beside it.</summary>
public sealed class HarnessApplication(WebApplication api, WebApplication imds) : IAsyncDisposable
{
    /// <summary>The EC2 facade and control API application; its services hold the control plane.</summary>
    public WebApplication Api { get; } = api;

    public IServiceProvider Services => Api.Services;

    /// <summary>The connection limits both listeners keep.</summary>
    internal ConnectionLimits Limits { get; init; } = ConnectionLimits.For(FileLimit.Unknown, null);

    internal ConnectionGate? Ec2Gate { get; init; }

    /// <summary>The base URL the harness is reached at beyond loopback (<c>serve --public-url</c>): what other processes of its cluster are told.</summary>
    internal Uri? PublicUrl { get; init; }

    internal ConnectionGate? ImdsGate { get; init; }

    /// <summary>The EC2 facade's base URL, e.g. <c>http://127.0.0.1:4580</c>.</summary>
    public string Ec2Url => Api.Urls.First();

    /// <summary>The Alibaba Cloud ECS and VPC APIs' base URL, e.g. <c>http://127.0.0.1:4582</c>.</summary>
    public string EcsUrl => Api.Urls.Skip(1).First();

    /// <summary>The metadata service's port: every instance's endpoint is its own 127.a.b.c on it.</summary>
    public int ImdsPort => new Uri(imds.Urls.First()).Port;

    /// <summary>The base listener, where tools name the instance with <c>X-Harness-Instance-Id</c>.</summary>
    public string ImdsBaseUrl => $"http://127.0.0.1:{ImdsPort}";

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Api.StartAsync(cancellationToken);
        await imds.StartAsync(cancellationToken);
        Services.GetRequiredService<ImdsListener>().Port = ImdsPort;

        // Last, once both ports are known: a process the cluster refuses (other start settings) stops here.
        await Services.GetRequiredService<ClusterMembers>().JoinAsync(PublicUrl?.GetLeftPart(UriPartial.Authority) ?? Ec2Url, ImdsPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await Services.GetRequiredService<ClusterMembers>().LeaveAsync();
        await imds.StopAsync(cancellationToken);
        await Api.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await imds.DisposeAsync();
        await Api.DisposeAsync();
    }
}
