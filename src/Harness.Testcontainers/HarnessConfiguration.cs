using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;

namespace Harness.Testcontainers;

/// <summary>A harness container's settings: Testcontainers' own, plus the control token its client presents.</summary>
public sealed class HarnessConfiguration : ContainerConfiguration
{
    public HarnessConfiguration(string? controlToken = null)
    {
        ControlToken = controlToken;
    }

    public HarnessConfiguration(IResourceConfiguration<CreateContainerParameters> resourceConfiguration)
        : base(resourceConfiguration)
    {
    }

    public HarnessConfiguration(IContainerConfiguration resourceConfiguration)
        : base(resourceConfiguration)
    {
    }

    public HarnessConfiguration(HarnessConfiguration resourceConfiguration)
        : this(new HarnessConfiguration(), resourceConfiguration)
    {
    }

    public HarnessConfiguration(HarnessConfiguration oldValue, HarnessConfiguration newValue)
        : base(oldValue, newValue)
    {
        ControlToken = BuildConfiguration.Combine(oldValue.ControlToken, newValue.ControlToken);
    }

    /// <summary>The bearer token the control API (<c>/_harness/</c>) demands: inside a container the harness listens beyond loopback.</summary>
    public string? ControlToken { get; }
}
