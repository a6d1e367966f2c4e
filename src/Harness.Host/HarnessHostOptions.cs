using Harness.ControlPlane;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Faults;

namespace Harness.Host;

/// <summary>
/// How the host was started. Port 0 asks the OS for a free port (tests). <c>ListenAny</c> listens on every
/// interface instead of loopback only, for containers, and lets non-loopback peers read metadata; it is off by default.
/// </summary>
public sealed record HarnessHostOptions(int Ec2Port = 4580, int ImdsPort = 4581, int Seed = 1, bool ListenAny = false)
{
    /// <summary>Port of the Alibaba Cloud ECS and VPC APIs (<c>serve --ecs-port</c>, 4582 there); 0, the default here, takes a free one.</summary>
    public int EcsPort { get; init; }

    /// <summary>How the Alibaba dialect behaves: how long its asynchronous states last (<c>serve --ecs-transition</c>).</summary>
    public Harness.Ecs.EcsOptions Ecs { get; init; } = new();

    /// <summary>How changes reach instances' metadata from the start (<c>serve --propagation</c>).</summary>
    public PropagationSettings Propagation { get; init; } = PropagationSettings.Default;

    /// <summary>Faults in force from the start and after every reset (<c>serve --fault</c>, <c>--ec2-throttling</c>).</summary>
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];

    /// <summary>How long terminated instances are still listed before they are forgotten (<c>serve --terminated-retention</c>).</summary>
    public TimeSpan TerminatedRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>vCPUs running instances may hold per region and instance bucket (<c>serve --vcpu-limit</c>).</summary>
    public int VcpuLimit { get; init; } = HarnessOptions.DefaultVcpuLimit;

    /// <summary>Whether EC2 requests must be signed by one of <see cref="Credentials"/> (<c>serve --verify-signatures</c>).</summary>
    public bool VerifySignatures { get; init; }

    /// <summary>Whether the Orleans dashboard is served under <c>/_harness/orleans/</c> (<c>serve --orleans-dashboard</c>).</summary>
    public bool OrleansDashboard { get; init; }

    /// <summary>Access key to secret (<c>serve --credentials</c>).</summary>
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The base URL the harness is reached at beyond loopback (<c>serve --public-url</c>): its host is a Host the control API answers.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Where the metadata port is reached from outside (<c>serve --public-imds-url</c>); null: the caller's host, the metadata port.</summary>
    public Uri? PublicImdsUrl { get; init; }

    /// <summary>The token the control API requires as <c>Authorization: Bearer</c> (<c>serve --control-token</c>); null requires none.</summary>
    public string? ControlToken { get; init; }

    /// <summary>The cluster this process joins as one silo (<c>serve --cluster</c>); null: the harness runs alone.</summary>
    public ClusterSettings? Cluster { get; init; }

    /// <summary>Connections each listener holds at once (<c>serve --max-connections</c>); null works it out from the open-file limit.</summary>
    public int? MaxConnections { get; init; }
}
