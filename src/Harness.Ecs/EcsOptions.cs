using Harness.Domain.Delays;

namespace Harness.Ecs;

/// <summary>How the Alibaba dialect behaves (<c>serve --ecs-transition</c>).</summary>
public sealed record EcsOptions
{
    public const string DefaultTransitionSpec = "uniform(500ms,2s)";

    /// <summary>
    /// How long a resource stays in a transitional state (an ENI <c>Attaching</c>, <c>Detaching</c> or <c>Deleting</c>, an
    /// instance <c>Pending</c>, <c>Starting</c> or <c>Stopping</c>) where Alibaba is asynchronous. Drawn per resource and
    /// transition from the run's seed.
    /// </summary>
    public DelayModel Transition { get; init; } = DelaySpec.Parse(DefaultTransitionSpec);
}
