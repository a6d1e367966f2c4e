namespace Harness.Domain.Faults;

/// <summary>The faults the harness injects, and the arguments each takes besides the common ones.</summary>
public static class FaultKinds
{
    public const string ImdsLatency = "imds-latency";
    public const string ImdsError = "imds-error";
    public const string ImdsTokenError = "imds-token-error";
    public const string ImdsThrottle = "imds-throttle";
    public const string ImdsStuck = "imds-stuck";
    public const string ImdsNever = "imds-never";
    public const string ImdsFlap = "imds-flap";
    public const string ImdsStale = "imds-stale";
    public const string ImdsHotplug = "imds-hotplug";
    public const string Ec2Throttle = "ec2-throttle";
    public const string Ec2Error = "ec2-error";
    public const string Ec2Latency = "ec2-latency";
    public const string Ec2Lag = "ec2-lag";

    /// <summary>The Alibaba Cloud API's counterparts: Alibaba's <c>Throttling</c> from a token bucket, injected errors, latency.</summary>
    public const string EcsThrottle = "ecs-throttle";
    public const string EcsError = "ecs-error";
    public const string EcsLatency = "ecs-latency";

    /// <summary>The kinds of metadata change a fault can single out (<c>kind=</c>), as the propagation settings name them.</summary>
    public static IReadOnlyList<string> ChangeKinds { get; } =
    [
        "interface-attached", "interface-detached", "private-ipv4s", "ipv4-prefixes", "elastic-ips", "security-groups",
        "instance-stopped", "instance-started", "instance-terminated",
    ];

    /// <summary>The parts of an interface a flap can make come and go.</summary>
    public static IReadOnlyList<string> FlapKinds { get; } = ["private-ipv4s", "ipv4-prefixes", "elastic-ips", "security-groups"];

    public static IReadOnlyList<int> ImdsErrorStatuses { get; } = [500, 503];

    /// <summary>403, 404 and 405 make SDKs fall back to IMDSv1; 500 and 503 are failures they may retry.</summary>
    public static IReadOnlyList<int> TokenErrorStatuses { get; } = [403, 404, 405, 500, 503];

    /// <summary>The codes EC2 answers when something on its side goes wrong, with their HTTP statuses.</summary>
    public static IReadOnlyDictionary<string, int> Ec2ErrorCodes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["InternalError"] = 500,
        ["Unavailable"] = 503,
        ["RequestLimitExceeded"] = 503,
    };

    /// <summary>The codes Alibaba's APIs answer when something on their side goes wrong, with their HTTP statuses (ALIBABA.md §4).</summary>
    public static IReadOnlyDictionary<string, int> EcsErrorCodes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["InternalError"] = 500,
        ["ServiceUnavailable"] = 503,
        ["Throttling"] = 400,
    };

    /// <summary>Whether the fault acts on the Alibaba Cloud API (<c>ecs-*</c>).</summary>
    public static bool IsEcs(string kind) => kind.StartsWith("ecs-", StringComparison.Ordinal);

    /// <summary>Each kind's own arguments, in the order the canonical text lists them.</summary>
    internal static IReadOnlyDictionary<string, string[]> Arguments { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [ImdsLatency] = ["delay"],
        [ImdsError] = ["status", "rate"],
        [ImdsTokenError] = ["status", "rate"],
        [ImdsThrottle] = ["pps", "hold"],
        [ImdsStuck] = ["kind"],
        [ImdsNever] = ["kind"],
        [ImdsFlap] = ["kind", "times", "interval"],
        [ImdsStale] = ["rate", "age"],
        [ImdsHotplug] = ["lasts"],
        [Ec2Throttle] = ["scale", "capacity", "refill"],
        [Ec2Error] = ["code", "rate"],
        [Ec2Latency] = ["delay"],
        [Ec2Lag] = ["delay"],
        [EcsThrottle] = ["capacity", "refill"],
        [EcsError] = ["code", "rate"],
        [EcsLatency] = ["delay"],
    };

    public static IReadOnlyList<string> All { get; } = [.. Arguments.Keys];

    /// <summary>
    /// Whether <paramref name="name"/> can name a fault: 1 to 64 letters, digits, dots, dashes and underscores (it goes
    /// in URLs and in the notes on a client's requests), and not <c>events</c>, which is the fault timeline's path.
    /// </summary>
    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= 64 && name != "events" && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>The kinds that act on metadata changes on their way, not on requests: they touch no client's call.</summary>
    public static bool ActsOnPropagation(string kind) => kind is ImdsStuck or ImdsNever or ImdsFlap or ImdsHotplug;

    /// <summary>Whether the fault acts on the metadata service (scoped by instance or interface) rather than on the EC2 API.</summary>
    public static bool IsMetadata(string kind) => kind.StartsWith("imds-", StringComparison.Ordinal);

    /// <summary>The arguments every kind takes: its scope, how long it lasts, the seed of its random choices.</summary>
    internal static string[] Common(string kind) =>
        IsMetadata(kind) ? ["instance", "interface", "for", "seed"] : ["action", "instance", "interface", "for", "seed"];
}
