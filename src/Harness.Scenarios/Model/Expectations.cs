namespace Harness.Scenarios.Model;

/// <summary>
/// What a set of addresses must look like: <c>has</c> every value, <c>lacks</c> every value, or <c>equals</c> exactly
/// these. Values are private addresses, /28 prefixes, or Elastic IPs by name or address.
/// </summary>
public enum AddressMatch
{
    Has,
    Lacks,
    Equals,
}

/// <summary>
/// An expectation. With <see cref="Within"/> it must come true by then (checked until it does); with
/// <see cref="During"/> it must hold all that time; with neither it is checked once.
/// </summary>
public abstract record ExpectStep(SourceMark Mark, TimeSpan? Within, TimeSpan? During) : Step(Mark)
{
    protected string Timing => Within is { } within ? $" within {Durations.Format(within)}"
        : During is { } during ? $" for {Durations.Format(during)}" : "";
}

/// <summary>What an instance's metadata shows (every interface, or the one at <see cref="Device"/>).</summary>
public sealed record MetadataExpectation(
    SourceMark Mark, string Instance, int? Device, AddressMatch Match, IReadOnlyList<string> Values, TimeSpan? Within, TimeSpan? During)
    : ExpectStep(Mark, Within, During)
{
    public override string Describe() =>
        $"metadata of {Instance}{(Device is { } d ? $" device {d}" : "")} {Match.ToString().ToLowerInvariant()} {string.Join(", ", Values)}{Timing}";
}

/// <summary>What the EC2 API says: an instance's (or interface's) addresses, or an instance's state.</summary>
public sealed record ApiExpectation(
    SourceMark Mark, string Subject, int? Device, AddressMatch? Match, IReadOnlyList<string> Values, string? State, TimeSpan? Within, TimeSpan? During)
    : ExpectStep(Mark, Within, During)
{
    public override string Describe() => State is { } state
        ? $"API: {Subject} is {state}{Timing}"
        : $"API: {Subject}{(Device is { } d ? $" device {d}" : "")} {Match.ToString()!.ToLowerInvariant()} {string.Join(", ", Values)}{Timing}";
}

/// <summary>
/// A verdict on a client that has run: its exit code, and whether it waited for its instance's metadata to show an
/// address (read <c>local-ipv4s</c> and saw it there) before it exited.
/// </summary>
/// <param name="MetFault">A fault (by name) that must have touched at least one of the client's calls or reads.</param>
public sealed record ClientExpectation(
    SourceMark Mark, string Client, int? ExitCode, string? WaitedForImds, TimeSpan? MaxDuration, string? MetFault = null)
    : ExpectStep(Mark, null, null)
{
    public override string Describe()
    {
        var parts = new List<string>();
        if (ExitCode is { } code)
        {
            parts.Add($"exits {code}");
        }

        if (WaitedForImds is { } ip)
        {
            parts.Add($"waited for metadata to show {ip}");
        }

        if (MaxDuration is { } max)
        {
            parts.Add($"finishes within {Durations.Format(max)}");
        }

        if (MetFault is { } fault)
        {
            parts.Add($"met fault {fault}");
        }

        return $"client {Client} {string.Join(", ", parts)}";
    }
}
