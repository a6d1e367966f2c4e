using System.Text.RegularExpressions;
using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>Verdicts on clients, from what they did at their own endpoints and the harness's timeline.</summary>
public sealed partial class ScenarioRunner
{
    /// <summary>
    /// A client's verdict. <c>waitedForImds: ip</c> holds only if one of the client's own reads of its instance's
    /// <c>local-ipv4s</c> listed the address before it exited, at a time when the instance's metadata had caught up with
    /// the change the client was waiting for: the last change to that address on its instance made before the
    /// client's own call that named the address returned (or, if it named it in no call, before the client started).
    /// A read that lists the address from a view that is about to lose it is stale and does not count.
    /// </summary>
    private async Task<(bool, string)> JudgeClientAsync(ClientExpectation expectation)
    {
        ClientReport? client;
        lock (gate)
        {
            client = clients.GetValueOrDefault(expectation.Client);
        }

        if (client is null)
        {
            return (false, $"client {expectation.Client} did not run");
        }

        var failures = new List<string>();
        var notes = new List<string>();
        var ran = $"ran {Durations.Format(TimeSpan.FromSeconds(client.End - client.Start))} ({S(client.Start)} to {S(client.End)})";
        if (expectation.ExitCode is { } exitCode)
        {
            var exited = client.TimedOut ? "timed out and was killed" : client.ExitCode is null ? "was stopped before it exited" : $"exited {client.ExitCode}";
            (client.ExitCode == exitCode ? notes : failures).Add(exited);
        }

        if (expectation.MaxDuration is { } max && client.End - client.Start > max.TotalSeconds)
        {
            failures.Add($"took longer than {Durations.Format(max)}");
        }

        if (expectation.WaitedForImds is { } ip)
        {
            var (holds, evidence) = await JudgeWaitAsync(client, ip);
            (holds ? notes : failures).Add(evidence);
        }

        var calls = client.Calls.Where(c => c.Channel == "ec2").Select(c => $"{c.Target} at {S(c.At)}{(c.Error is null ? "" : $" ({c.Error})")}").ToList();
        if (calls.Count > 0)
        {
            notes.Add("EC2 calls: " + string.Join(", ", calls.Take(6)) + (calls.Count > 6 ? ", …" : ""));
        }

        return failures.Count == 0
            ? (true, $"{ran}; {string.Join("; ", notes)}")
            : (false, $"{ran}; {string.Join("; ", failures)}{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}");
    }

    private async Task<(bool Holds, string Evidence)> JudgeWaitAsync(ClientReport client, string ip)
    {
        // Paths as the client sent them; IMDS ignores doubled slashes, and so does this match.
        var reads = client.Calls.Where(c => c.Channel == "imds" && LocalIpv4s().IsMatch(Slashes().Replace(c.Target, "/")) && c.At <= client.End).ToList();
        var readList = reads.Count == 0 ? "never read local-ipv4s"
            : $"read local-ipv4s {reads.Count} time{(reads.Count == 1 ? "" : "s")} ({string.Join("; ", reads.Take(5).Select(r => $"{S(r.At)}: {Shown(r)}"))}{(reads.Count > 5 ? "; …" : "")})";
        var listed = reads.Where(r => r.Status == 200 && (r.Body ?? "").Split('\n').Contains(ip)).ToList();

        var mentions = new Regex($@"(^|[\s:,+-]){Regex.Escape(ip)}(?=$|[\s,=])");
        var (events, _) = await control.EventsAfterAsync(baseline, Token);
        var changes = events.Where(e => e.InstanceId == client.InstanceId && mentions.IsMatch(e.Detail)).OrderBy(e => e.Sequence).ToList();
        var remapped = client.Calls
            .Where(c => c.Channel == "ec2" && c.Status == 200 && (c.Body ?? "").Split('\n').Any(p => p.EndsWith("=" + ip, StringComparison.Ordinal)))
            .Select(c => c.At + (c.Milliseconds / 1000)).DefaultIfEmpty(client.Start).Max();
        var awaited = changes.LastOrDefault(e => Seconds(e.MadeAt) <= remapped + 0.001);
        if (awaited is not null && Regex.IsMatch(awaited.Detail, $@"-{Regex.Escape(ip)}(?=$|[\s,=])"))
        {
            return (false, $"by the API's account its instance no longer held {ip} ({awaited.Kind} {awaited.Detail}, made at {S(Seconds(awaited.MadeAt))}); it {readList}");
        }

        var caughtUp = awaited is null ? double.NegativeInfinity : CaughtUp(awaited, changes);
        var counted = listed.FirstOrDefault(r => caughtUp is { } t && r.At >= t);
        var change = awaited is null ? "" : $"{awaited.Kind} {awaited.Detail}, made at {S(Seconds(awaited.MadeAt))}";

        if (counted is not null)
        {
            return (true, $"{readList}; first saw {ip} at {S(counted.At)}, read {reads.IndexOf(counted) + 1}"
                + (awaited is null ? "" : $", after its metadata caught up at {S(caughtUp!.Value)} ({change})"));
        }

        if (listed.Count > 0 && awaited is not null)
        {
            return (false, $"read a stale view: it {readList}; its reads that listed {ip} ({string.Join(", ", listed.Take(5).Select(r => S(r.At)))}) came "
                + (caughtUp is { } seen ? $"before its metadata caught up at {S(seen)}" : "while its metadata had not caught up")
                + $" with the change it was waiting for ({change})");
        }

        var shown = awaited switch
        {
            null => $"no change to {ip} reached its instance's metadata during the run",
            _ when caughtUp is { } seen => $"its instance's metadata showed {ip} only from {S(seen)} ({change})",
            { DueAt: { } due } => $"its instance's metadata had not caught up by then (due at {S(Seconds(due))}; {change})",
            _ => $"its instance's metadata will not show it ({awaited.Status}; {change})",
        };
        return (false, $"declared its result without waiting for its metadata to show {ip}: it {readList}; {shown}");
    }

    /// <summary>When the instance's metadata caught up with a change: when it was seen, or when a newer change to the same values was.</summary>
    private double? CaughtUp(EventDocument change, List<EventDocument> changes)
    {
        if (change.SeenAt is { } seen)
        {
            return Seconds(seen);
        }

        return change.Status == "superseded"
            ? changes.Where(e => e.Sequence > change.Sequence && e.SeenAt is not null).Select(e => (double?)Seconds(e.SeenAt!.Value)).FirstOrDefault()
            : null;
    }

    private double Seconds(DateTimeOffset time) => (time - clock.Start).TotalSeconds;

    private static string Shown(CallReport read) => read.Status switch
    {
        200 => string.IsNullOrEmpty(read.Body) ? "(empty)" : (read.Body ?? "").Replace('\n', ' '),
        0 => "connection dropped",
        var status => $"HTTP {status}",
    };

    [GeneratedRegex(@"/meta-data/network/interfaces/macs/[0-9a-f:]+/local-ipv4s/?$")]
    private static partial Regex LocalIpv4s();

    [GeneratedRegex("/{2,}")]
    private static partial Regex Slashes();
}
