using Docker.DotNet;

namespace Harness.Testcontainers.Tests;

/// <summary>Asks the Docker engine itself how a container's ports are published (not what Testcontainers reports).</summary>
internal static class Docker
{
    /// <summary>Container port (e.g. <c>4580/tcp</c>) to the host addresses it is published on.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> InspectPortBindingsAsync(string containerId)
    {
        using var configuration = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock"));
        using var client = configuration.CreateClient();
        var inspected = await client.Containers.InspectContainerAsync(containerId);
        return inspected.HostConfig.PortBindings.ToDictionary(
            p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Select(b => b.HostIP)]);
    }
}
