using System.Collections.Concurrent;
using Harness.Domain.Delays;
using Harness.Domain.Faults;

namespace Harness.ControlPlane.Faults;

/// <summary>A fault in force: its spec, where it came from, and what it has done so far.</summary>
public sealed class ActiveFault(string id, string name, FaultSpec spec, string source, DateTimeOffset addedAt, int seed)
{
    private long draws;
    private long touched;

    public string Id { get; } = id;

    /// <summary>The name it is cleared by (a scenario's <c>clearFault</c>); its id when none was given.</summary>
    public string Name { get; } = name;

    public FaultSpec Spec { get; } = spec;

    /// <summary><c>serve</c> (a <c>--fault</c> flag), <c>api</c> or <c>scenario</c>.</summary>
    public string Source { get; } = source;

    public DateTimeOffset AddedAt { get; } = addedAt;

    public DateTimeOffset? ExpiresAt { get; } = spec.For is { } lasts ? addedAt + lasts : null;

    /// <summary>How many requests or changes it has touched.</summary>
    public long Touched => Interlocked.Read(ref touched);

    /// <summary>Buckets by key (an interface for metadata throttling, an action for EC2's).</summary>
    public ConcurrentDictionary<string, TokenBucket> Buckets { get; } = new(StringComparer.Ordinal);

    internal ITimer? Expiry { get; set; }

    /// <summary>The next random draw of this fault: seeded by its seed and name, so a run replays exactly.</summary>
    public SeededRandom NextRandom() => SeededRandom.For(seed, "fault:" + Name, Interlocked.Increment(ref draws));

    /// <summary>
    /// Whether an API call (EC2's or Alibaba's) is in this fault's scope: its action matches, and the instance or
    /// interface the fault names, if any, is the value of one of the call's parameters, or an item of one given as a JSON
    /// array (Alibaba's <c>InstanceIds=["i-a","i-b"]</c>).
    /// </summary>
    public bool Covers(string action, IReadOnlyDictionary<string, string> parameters) =>
        Spec.MatchesAction(action)
        && (Spec.Instance is null || Names(parameters, Spec.Instance))
        && (Spec.Interface is null || Names(parameters, Spec.Interface));

    private static bool Names(IReadOnlyDictionary<string, string> parameters, string id) =>
        parameters.Values.Any(v => v == id || (v.StartsWith('[') && v.Contains($"\"{id}\"", StringComparison.Ordinal)));

    /// <summary>Whether this request is among the <see cref="FaultSpec.Rate"/> touched.</summary>
    public bool Roll() => Spec.Rate is not { } rate || rate >= 1 || (rate > 0 && NextRandom().NextDouble() < rate);

    /// <summary>A draw of the fault's delay.</summary>
    public TimeSpan SampleDelay() => Spec.Delay?.Sample(NextRandom()) ?? TimeSpan.Zero;

    /// <summary>Whether the fault's scope takes in this instance and interface (either may be unknown: null).</summary>
    public bool Covers(string? instanceId, string? networkInterfaceId) =>
        (Spec.Instance is null || Spec.Instance == instanceId) && (Spec.Interface is null || Spec.Interface == networkInterfaceId);

    internal void CountTouch() => Interlocked.Increment(ref touched);
}
