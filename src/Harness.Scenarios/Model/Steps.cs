namespace Harness.Scenarios.Model;

/// <summary>
/// One step. <see cref="At"/> (the <c>at:</c> key) runs it at that offset from the start, beside the steps that run
/// in order, instead of after the step before it.
/// </summary>
public abstract record Step(SourceMark Mark)
{
    public TimeSpan? At { get; init; }

    /// <summary>What the step does, in a few words, for progress lines and reports.</summary>
    public abstract string Describe();
}

/// <summary>An interface named directly, or an instance's interface at a device index (0 when not given).</summary>
public sealed record InterfaceRef(string? Instance, string? Interface, int Device)
{
    public override string ToString() => Interface ?? (Device == 0 ? Instance! : $"{Instance} device {Device}");
}

/// <param name="Prefixes">Specific /28 prefixes to delegate.</param>
/// <param name="PrefixCount">How many /28 prefixes to delegate, chosen by the subnet.</param>
public sealed record AssignStep(
    SourceMark Mark, InterfaceRef Target, IReadOnlyList<string> Ips, int? Count, IReadOnlyList<string> Prefixes, int? PrefixCount,
    bool AllowReassignment) : Step(Mark)
{
    public override string Describe()
    {
        var what = new List<string>();
        what.AddRange(Ips);
        if (Count is { } count)
        {
            what.Add($"{count} address{(count == 1 ? "" : "es")}");
        }

        what.AddRange(Prefixes);
        if (PrefixCount is { } prefixes)
        {
            what.Add($"{prefixes} prefix{(prefixes == 1 ? "" : "es")}");
        }

        return $"assign {string.Join(", ", what)} to {Target}{(AllowReassignment ? " (allow reassignment)" : "")}";
    }
}

/// <summary>Moves an address to another interface: AssignPrivateIpAddresses with AllowReassignment.</summary>
public sealed record ReassignStep(SourceMark Mark, string Ip, InterfaceRef To) : Step(Mark)
{
    public override string Describe() => $"reassign {Ip} to {To}";
}

public sealed record UnassignStep(SourceMark Mark, InterfaceRef Target, IReadOnlyList<string> Ips, IReadOnlyList<string> Prefixes) : Step(Mark)
{
    public override string Describe() => $"unassign {string.Join(", ", Ips.Concat(Prefixes))} from {Target}";
}

public sealed record AttachStep(SourceMark Mark, string Interface, string Instance, int Device) : Step(Mark)
{
    public override string Describe() => $"attach {Interface} to {Instance} as device {Device}";
}

public sealed record DetachStep(SourceMark Mark, string Interface, bool Force) : Step(Mark)
{
    public override string Describe() => $"{(Force ? "force-" : "")}detach {Interface}";
}

/// <summary>Associates an Elastic IP with a private address: the one given (on whichever interface holds it) or an instance's primary.</summary>
public sealed record AssociateStep(SourceMark Mark, string ElasticIp, string? PrivateIp, InterfaceRef? Target, bool AllowReassociation) : Step(Mark)
{
    public override string Describe() => $"associate {ElasticIp} with {PrivateIp ?? Target!.ToString()}";
}

public sealed record DisassociateStep(SourceMark Mark, string ElasticIp) : Step(Mark)
{
    public override string Describe() => $"disassociate {ElasticIp}";
}

public enum InstanceAction
{
    Stop,
    Start,
    Terminate,
}

public sealed record InstanceStep(SourceMark Mark, InstanceAction Action, string Instance, bool Force) : Step(Mark)
{
    public override string Describe() => $"{Action.ToString().ToLowerInvariant()} {Instance}{(Force ? " (force)" : "")}";
}

public sealed record PropagationStep(SourceMark Mark, PropagationChange Change) : Step(Mark)
{
    public override string Describe() => Change.Flush ? "flush pending metadata changes" : $"propagation {Summary(Change)}";

    internal static string Summary(PropagationChange change)
    {
        var parts = new List<string>();
        if (change.Imds is { } imds)
        {
            parts.Add($"imds {imds}");
        }

        parts.AddRange(change.Kinds.Select(k => $"{k.Key} {k.Value ?? "(default)"}"));
        parts.AddRange(change.Instances.Select(k => $"{k.Key} {k.Value ?? "(default)"}"));
        parts.AddRange(change.Interfaces.Select(k => $"{k.Key} {k.Value ?? "(default)"}"));
        if (change.Reorder is { } reorder)
        {
            parts.Add($"reorder {reorder.ToString().ToLowerInvariant()}");
        }

        if (change.ForcedDetachStaysStale is { } stale)
        {
            parts.Add($"forcedDetachStaysStale {stale.ToString().ToLowerInvariant()}");
        }

        return string.Join(", ", parts);
    }
}

/// <summary>
/// Puts a fault in force (<c>fault:</c>): a spec in the grammar of <c>serve --fault</c>, whose <c>instance=</c> and
/// <c>interface=</c> name the scenario's instances and interfaces. <see cref="Name"/> is what <c>clearFault</c> takes.
/// </summary>
public sealed record FaultStep(SourceMark Mark, string? Name, Harness.Domain.Faults.FaultSpec Spec) : Step(Mark)
{
    public override string Describe() => $"fault {(Name is null ? "" : Name + ": ")}{Spec}";
}

/// <summary>Clears a fault the scenario put in force (<c>clearFault: name</c>); its held metadata changes go on their way.</summary>
public sealed record ClearFaultStep(SourceMark Mark, string Name) : Step(Mark)
{
    public override string Describe() => $"clear fault {Name}";
}

public sealed record SleepStep(SourceMark Mark, TimeSpan Duration) : Step(Mark)
{
    public override string Describe() => $"sleep {Durations.Format(Duration)}";
}

public sealed record ParallelStep(SourceMark Mark, IReadOnlyList<Step> Steps) : Step(Mark)
{
    public override string Describe() => $"parallel: {string.Join(" | ", Steps.Select(s => s.Describe()))}";
}

public sealed record RepeatStep(SourceMark Mark, int Times, IReadOnlyList<Step> Steps) : Step(Mark)
{
    public override string Describe() => $"repeat {Times}×: {string.Join("; ", Steps.Select(s => s.Describe()))}";
}

/// <summary>Runs a program under test with its instance's metadata endpoint and the EC2 endpoint, and keeps what it did.</summary>
public sealed record ClientStep(
    SourceMark Mark, string Name, string Instance, string Run, TimeSpan Timeout, IReadOnlyDictionary<string, string> Environment) : Step(Mark)
{
    public override string Describe() => $"client {Name} on {Instance}: {Run}";
}
