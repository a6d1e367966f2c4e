using System.Globalization;
using Harness.Domain.Delays;

namespace Harness.Domain.Faults;

/// <summary>
/// One fault, as the text grammar gives it: <c>kind(name=value, …)</c>, for example
/// <c>imds-error(status=503, rate=30%, instance=i-0abc, for=20s)</c>. The parser fills each kind's defaults, so a spec
/// always says everything it does. <see cref="FaultSpecParser"/> documents the grammar.
/// </summary>
public sealed record FaultSpec(string Kind)
{
    /// <summary>Latency added (metadata reads, EC2 calls) or how far behind Describe* reads lag.</summary>
    public DelayModel? Delay { get; init; }

    /// <summary>The HTTP status a metadata error answers with.</summary>
    public int? Status { get; init; }

    /// <summary>The EC2 error code injected.</summary>
    public string? Code { get; init; }

    /// <summary>The fraction of requests touched, 0 to 1.</summary>
    public double? Rate { get; init; }

    /// <summary>Packets per second an interface may send to link-local services.</summary>
    public int? Pps { get; init; }

    /// <summary>How long a dropped metadata request is held before its connection is reset, if the client has not given up.</summary>
    public TimeSpan? Hold { get; init; }

    /// <summary>The kind of metadata change singled out (<c>kind=</c>).</summary>
    public string? ChangeKind { get; init; }

    /// <summary>How many times a flapping change goes away and comes back.</summary>
    public int? Times { get; init; }

    /// <summary>How long each phase of a flap lasts.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>How old a stale read's view is.</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>How long a hot-plugged interface reports device-number 0.</summary>
    public TimeSpan? Lasts { get; init; }

    /// <summary>Multiplies EC2's bucket capacities and refill rates.</summary>
    public double? Scale { get; init; }

    /// <summary>Every throttled bucket's capacity, in place of EC2's.</summary>
    public int? Capacity { get; init; }

    /// <summary>Every throttled bucket's refill in tokens per second, in place of EC2's.</summary>
    public double? Refill { get; init; }

    /// <summary>The EC2 action touched: a name, or a prefix ending in <c>*</c> (<c>Describe*</c>); null for every action.</summary>
    public string? Action { get; init; }

    /// <summary>The instance touched (its id; a scenario may give its name); null for every instance.</summary>
    public string? Instance { get; init; }

    /// <summary>The network interface touched (its id; a scenario may give its name); null for every interface.</summary>
    public string? Interface { get; init; }

    /// <summary>How long the fault lasts once added; null until it is cleared.</summary>
    public TimeSpan? For { get; init; }

    /// <summary>Seeds the fault's random choices; null to derive them from the harness seed.</summary>
    public int? Seed { get; init; }

    public bool IsMetadata => FaultKinds.IsMetadata(Kind);

    /// <summary>Parses a spec.</summary>
    /// <param name="actions">The EC2 actions an <c>action=</c> may name; null to accept any name.</param>
    /// <param name="ecsActions">The Alibaba Cloud actions an <c>ecs-*</c> fault's <c>action=</c> may name; null to accept any name.</param>
    /// <exception cref="FaultSpecException">The text is not a valid spec.</exception>
    public static FaultSpec Parse(string text, IReadOnlyCollection<string>? actions = null, IReadOnlyCollection<string>? ecsActions = null) =>
        new FaultSpecParser(text ?? throw new ArgumentNullException(nameof(text)), actions, ecsActions).ParseAll();

    public static bool TryParse(
        string? text, out FaultSpec? spec, out FaultSpecException? error, IReadOnlyCollection<string>? actions = null, IReadOnlyCollection<string>? ecsActions = null)
    {
        try
        {
            spec = Parse(text ?? "", actions, ecsActions);
            error = null;
            return true;
        }
        catch (FaultSpecException e)
        {
            spec = null;
            error = e;
            return false;
        }
    }

    /// <summary>Whether the fault touches calls of <paramref name="action"/>.</summary>
    public bool MatchesAction(string action) =>
        Action is null
        || (Action.EndsWith('*') ? action.StartsWith(Action[..^1], StringComparison.Ordinal) : action == Action);

    /// <summary>The canonical text: the kind's arguments, defaults included, then its scope; it parses back to an equal spec.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var name in FaultKinds.Arguments[Kind].Concat(FaultKinds.Common(Kind)))
        {
            if (Format(name) is { } value)
            {
                parts.Add($"{name}={value}");
            }
        }

        return parts.Count == 0 ? Kind : $"{Kind}({string.Join(", ", parts)})";
    }

    private string? Format(string name) => name switch
    {
        "delay" => Delay?.ToString(),
        "status" => Status?.ToString(CultureInfo.InvariantCulture),
        "code" => Code,
        "rate" => Rate is { } rate ? DelayFormat.Number(rate) : null,
        "pps" => Pps?.ToString(CultureInfo.InvariantCulture),
        "hold" => Duration(Hold),
        "kind" => ChangeKind,
        "times" => Times?.ToString(CultureInfo.InvariantCulture),
        "interval" => Duration(Interval),
        "age" => Duration(Age),
        "lasts" => Duration(Lasts),
        "scale" => Scale is { } scale ? DelayFormat.Number(scale) : null,
        "capacity" => Capacity?.ToString(CultureInfo.InvariantCulture),
        "refill" => Refill is { } refill ? DelayFormat.Number(refill) : null,
        "action" => Action,
        "instance" => Instance,
        "interface" => Interface,
        "for" => Duration(For),
        "seed" => Seed?.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string? Duration(TimeSpan? value) => value is { } v ? DelayFormat.Duration(v) : null;
}
