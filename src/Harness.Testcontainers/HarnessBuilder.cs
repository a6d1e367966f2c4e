using System.Globalization;
using System.Security.Cryptography;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;

namespace Harness.Testcontainers;

/// <summary>
/// Builds a harness container, the way <c>Testcontainers.LocalStack</c> builds LocalStack's:
/// <code>
/// await using var harness = new HarnessBuilder().WithPropagation("fixed(2s)").WithSeed(7).Build();
/// await harness.StartAsync();
/// var ec2 = new AmazonEC2Client(new AmazonEC2Config { ServiceURL = harness.Ec2Endpoint.ToString() });
/// </code>
/// The image is <see cref="HarnessImage"/> unless <c>WithImage</c> names another: <c>bash scripts/build-image.sh</c>
/// builds it from the repository's Dockerfile. Both ports are published on 127.0.0.1 only, each on a free port.
/// </summary>
public sealed class HarnessBuilder : ContainerBuilder<HarnessBuilder, HarnessContainer, HarnessConfiguration>
{
    /// <summary>The tag <c>scripts/build-image.sh</c> gives the image.</summary>
    public const string HarnessImage = "harness:local";

    /// <summary>The EC2 Query API and the control API (<c>/_harness/</c>) inside the container.</summary>
    public const ushort Ec2Port = 4580;

    /// <summary>The instance metadata service inside the container.</summary>
    public const ushort ImdsPort = 4581;

    public HarnessBuilder()
        : this(new HarnessConfiguration())
    {
        DockerResourceConfiguration = Init().DockerResourceConfiguration;
    }

    private HarnessBuilder(HarnessConfiguration configuration)
        : base(configuration)
    {
        DockerResourceConfiguration = configuration;
    }

    protected override HarnessConfiguration DockerResourceConfiguration { get; }

    /// <summary>The delay model between an API change and the instance metadata showing it, e.g. <c>fixed(2s)</c>, <c>lognormal(median=2s,p99=20s)</c>.</summary>
    public HarnessBuilder WithPropagation(string model) => WithEnvironment("HARNESS_PROPAGATION", model);

    /// <summary>The seed of every random choice the harness makes (ids, addresses, delays).</summary>
    public HarnessBuilder WithSeed(int seed) => WithCommand("--seed", seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>A fault in force from the start, in <c>serve --fault</c>'s syntax, e.g. <c>imds-error rate=0.2</c>.</summary>
    public HarnessBuilder WithFault(string spec) => WithCommand("--fault", spec);

    /// <summary>EC2's request throttling (off by default).</summary>
    public HarnessBuilder WithEc2Throttling() => WithCommand("--ec2-throttling");

    /// <summary>The control API's bearer token; by default a fresh random one per container.</summary>
    public HarnessBuilder WithControlToken(string token) =>
        Merge(DockerResourceConfiguration, new HarnessConfiguration(controlToken: token)).WithEnvironment("HARNESS_CONTROL_TOKEN", token);

    public override HarnessContainer Build()
    {
        Validate();
        return new HarnessContainer(DockerResourceConfiguration);
    }

    protected override HarnessBuilder Init() => base.Init()
        .WithImage(HarnessImage)
        .WithPortBinding(Ec2Port, assignRandomHostPort: true)
        .WithPortBinding(ImdsPort, assignRandomHostPort: true)
        .WithCreateParameterModifier(OnLoopbackOnly)
        .WithControlToken(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)))
        .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(new HealthAnswers()));

    protected override void Validate()
    {
        base.Validate();
        if (string.IsNullOrEmpty(DockerResourceConfiguration.ControlToken))
        {
            throw new ArgumentException("The harness needs a control token: the control API is closed without one inside a container.");
        }
    }

    protected override HarnessBuilder Clone(IResourceConfiguration<CreateContainerParameters> resourceConfiguration) =>
        Merge(DockerResourceConfiguration, new HarnessConfiguration(resourceConfiguration));

    protected override HarnessBuilder Clone(IContainerConfiguration resourceConfiguration) =>
        Merge(DockerResourceConfiguration, new HarnessConfiguration(resourceConfiguration));

    protected override HarnessBuilder Merge(HarnessConfiguration oldValue, HarnessConfiguration newValue) =>
        new(new HarnessConfiguration(oldValue, newValue));

    /// <summary>Testcontainers 3 publishes on every address; the harness is a test host and publishes on 127.0.0.1 only.</summary>
    private static void OnLoopbackOnly(CreateContainerParameters parameters)
    {
        foreach (var bindings in parameters.HostConfig?.PortBindings?.Values ?? [])
        {
            foreach (var binding in bindings)
            {
                binding.HostIP = "127.0.0.1";
            }
        }
    }
}
