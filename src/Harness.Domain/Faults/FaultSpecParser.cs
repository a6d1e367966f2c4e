using Harness.Domain.Delays;

namespace Harness.Domain.Faults;

/// <summary>
/// Reads a fault spec: <c>kind</c> or <c>kind(name=value, …)</c>. Values are delay specs (<c>delay=</c>), durations
/// (<c>for=30s</c>), numbers, rates (<c>0.25</c> or <c>25%</c>) or names (<c>instance=i-0abc</c>, <c>action=Describe*</c>).
/// Whitespace may surround any token. Every error names what was expected and the 0-based position where.
/// </summary>
internal sealed class FaultSpecParser(string text, IReadOnlyCollection<string>? ec2Actions, IReadOnlyCollection<string>? ecsActions)
{
    private readonly DelaySpecReader reader = new(text);

    public FaultSpec ParseAll()
    {
        try
        {
            return Parse();
        }
        catch (DelaySpecException error)
        {
            throw new FaultSpecException(error.Message, error.Position);
        }
    }

    private FaultSpec Parse()
    {
        var known = string.Join(", ", FaultKinds.All);
        var start = reader.SkipWhitespace();
        var kind = reader.ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c == '-');
        if (kind.Length == 0)
        {
            throw reader.Expected($"a fault kind ({known})", start);
        }

        if (!FaultKinds.Arguments.TryGetValue(kind, out var own))
        {
            throw DelaySpecReader.Invalid($"unknown fault kind '{kind}'; known kinds are {known}", start);
        }

        var allowed = own.Concat(FaultKinds.Common(kind)).ToArray();
        var spec = new FaultSpec(kind);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (reader.TryConsume('('))
        {
            if (!reader.TryConsume(')'))
            {
                do
                {
                    var at = reader.SkipWhitespace();
                    var name = reader.ReadWord();
                    if (name.Length == 0)
                    {
                        throw reader.Expected($"an argument of {kind} ({string.Join(", ", allowed)})", at);
                    }

                    if (!allowed.Contains(name))
                    {
                        throw DelaySpecReader.Invalid($"{kind} takes no argument '{name}'; it takes {string.Join(", ", allowed)}", at);
                    }

                    if (!seen.Add(name))
                    {
                        throw DelaySpecReader.Invalid($"argument '{name}' is given twice", at);
                    }

                    reader.Expect('=');
                    spec = Argument(spec, name);
                }
                while (reader.TryConsume(','));

                reader.Expect(')', "',' or ')'");
            }
        }

        reader.ExpectEnd();
        return Complete(spec);
    }

    private FaultSpec Argument(FaultSpec spec, string name)
    {
        switch (name)
        {
            case "delay":
                var delayAt = reader.SkipWhitespace();
                var delay = new DelaySpecParser(reader).ParseModel();
                return delay.CanBeNever
                    ? throw DelaySpecReader.Invalid($"{spec.Kind} delays requests, which must end: its delay cannot be never", delayAt)
                    : spec with { Delay = delay };
            case "status":
                var allowed = spec.Kind == FaultKinds.ImdsTokenError ? FaultKinds.TokenErrorStatuses : FaultKinds.ImdsErrorStatuses;
                var status = Integer("an HTTP status", 100, 599, out var statusAt);
                return allowed.Contains(status) ? spec with { Status = status }
                    : throw DelaySpecReader.Invalid($"{spec.Kind} answers with {string.Join(", ", allowed)}, not {status}", statusAt);
            case "code":
                var codeAt = reader.SkipWhitespace();
                var code = reader.ReadWord();
                var codes = FaultKinds.IsEcs(spec.Kind) ? FaultKinds.EcsErrorCodes : FaultKinds.Ec2ErrorCodes;
                return codes.ContainsKey(code) ? spec with { Code = code }
                    : throw reader.Expected($"an error code ({string.Join(", ", codes.Keys)})", codeAt);
            case "rate":
                return spec with { Rate = Rate() };
            case "pps":
                return spec with { Pps = Integer("packets per second", 1, 1_000_000, out _) };
            case "times":
                return spec with { Times = Integer("a count", 1, 100, out _) };
            case "capacity":
                return spec with { Capacity = Integer("a bucket capacity", 1, 1_000_000, out _) };
            case "seed":
                return spec with { Seed = Integer("a seed", 0, int.MaxValue, out _) };
            case "scale" or "refill":
                var value = reader.ReadNumber(name == "scale" ? "a scale such as 0.1" : "tokens per second such as 0.5", out var numberAt);
                if (!(value > 0) || value > 1_000_000)
                {
                    throw DelaySpecReader.Invalid($"{name} must be greater than 0 and at most 1000000", numberAt);
                }

                return name == "scale" ? spec with { Scale = value } : spec with { Refill = value };
            case "hold" or "interval" or "age" or "lasts" or "for":
                var duration = reader.ReadDuration(out var durationAt);
                if (duration <= TimeSpan.Zero)
                {
                    throw DelaySpecReader.Invalid($"{name} must be longer than 0ms", durationAt);
                }

                return name switch
                {
                    "hold" => spec with { Hold = duration },
                    "interval" => spec with { Interval = duration },
                    "age" => spec with { Age = duration },
                    "lasts" => spec with { Lasts = duration },
                    _ => spec with { For = duration },
                };
            case "kind":
                var kindAt = reader.SkipWhitespace();
                var kinds = spec.Kind == FaultKinds.ImdsFlap ? FaultKinds.FlapKinds : FaultKinds.ChangeKinds;
                var change = reader.ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c == '-');
                return kinds.Contains(change) ? spec with { ChangeKind = change }
                    : throw reader.Expected($"a kind of change ({string.Join(", ", kinds)})", kindAt);
            case "action":
                var actionAt = reader.SkipWhitespace();
                var action = reader.ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c == '*');
                var prefix = action.TrimEnd('*');
                if (prefix.Length == 0 || action.Length - prefix.Length > 1 || prefix.Contains('*', StringComparison.Ordinal))
                {
                    throw reader.Expected("an EC2 action (AssignPrivateIpAddresses) or a prefix ending in * (Describe*)", actionAt);
                }

                var (actions, api) = FaultKinds.IsEcs(spec.Kind) ? (ecsActions, "Alibaba Cloud") : (ec2Actions, "EC2");
                if (actions is not null && !actions.Any(a => prefix == action ? a == action : a.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    throw DelaySpecReader.Invalid($"no {api} action served here is called '{action}'", actionAt);
                }

                return spec with { Action = action };
            default:
                var idAt = reader.SkipWhitespace();
                var id = reader.ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
                if (id.Length == 0)
                {
                    throw reader.Expected(name == "instance" ? "an instance (i-…)" : "a network interface (eni-…)", idAt);
                }

                return name == "instance" ? spec with { Instance = id } : spec with { Interface = id };
        }
    }

    private int Integer(string what, int min, int max, out int at)
    {
        var value = reader.ReadNumber(what, out at);
        return value == Math.Floor(value) && value >= min && value <= max ? (int)value
            : throw DelaySpecReader.Invalid($"expected {what}, a whole number from {min} to {max},", at);
    }

    private double Rate()
    {
        var value = reader.ReadNumber("a rate such as 0.25 or 25%", out var at);
        if (reader.Peek() == '%')
        {
            reader.Expect('%');
            value /= 100;
        }

        return value <= 1 ? value : throw DelaySpecReader.Invalid("a rate is at most 1 (100%)", at);
    }

    /// <summary>Checks what the kind needs and fills its defaults.</summary>
    private FaultSpec Complete(FaultSpec spec)
    {
        var end = text.Length;
        var missing = spec.Kind switch
        {
            FaultKinds.ImdsLatency or FaultKinds.Ec2Latency or FaultKinds.Ec2Lag or FaultKinds.EcsLatency when spec.Delay is null => "delay=<delay spec>, such as delay=fixed(500ms)",
            FaultKinds.ImdsNever when spec.ChangeKind is null => $"kind=<kind of change> ({string.Join(", ", FaultKinds.ChangeKinds)})",
            _ => null,
        };
        if (missing is not null)
        {
            // Pointed at the closing parenthesis, where the argument belongs, or at the end when there is none.
            var close = text.LastIndexOf(')');
            throw DelaySpecReader.Invalid($"{spec.Kind} needs {missing}", close >= 0 ? close : end);
        }

        return spec.Kind switch
        {
            FaultKinds.ImdsError => spec with { Status = spec.Status ?? 503, Rate = spec.Rate ?? 1 },
            FaultKinds.ImdsTokenError => spec with { Status = spec.Status ?? 500, Rate = spec.Rate ?? 1 },
            FaultKinds.ImdsThrottle => spec with { Pps = spec.Pps ?? 1024, Hold = spec.Hold ?? TimeSpan.FromSeconds(30) },
            FaultKinds.ImdsFlap => spec with { ChangeKind = spec.ChangeKind ?? "private-ipv4s", Times = spec.Times ?? 1, Interval = spec.Interval ?? TimeSpan.FromSeconds(1) },
            FaultKinds.ImdsStale => spec with { Rate = spec.Rate ?? 1, Age = spec.Age ?? TimeSpan.FromSeconds(10) },
            FaultKinds.ImdsHotplug => spec with { Lasts = spec.Lasts ?? TimeSpan.FromSeconds(2) },
            FaultKinds.Ec2Throttle => spec with { Scale = spec.Scale ?? 1 },
            FaultKinds.Ec2Error or FaultKinds.EcsError => spec with { Code = spec.Code ?? "InternalError", Rate = spec.Rate ?? 1 },
            FaultKinds.EcsThrottle => spec with { Capacity = spec.Capacity ?? 20, Refill = spec.Refill ?? 10 },
            _ => spec,
        };
    }
}
