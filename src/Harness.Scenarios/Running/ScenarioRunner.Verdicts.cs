using System.Text.RegularExpressions;
using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>Verdicts on clients, from what they did at their own endpoints and the harness's timeline.</summary>
public sealed partial class ScenarioRunner
{
    /// <summary>
    /// A client's verdict. <c>waitedForImds: ip</c> holds only if one of the client's own reads of its instance's
    /// <c>local-ipv4s</c> listed the address before it was seen to exit, in a reply that was current: what the instance's metadata
    /// answers once every change on its way has arrived (the harness records this for each read). A listing from a
    /// view that had not caught up is stale and does not count.
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
        var ran = $"ran {Durations.Format(TimeSpan.FromSeconds(client.Ran))} ({S(client.Start)} to {S(client.End)})";
        if (expectation.ExitCode is { } exitCode)
        {
            var exited = client.TimedOut ? "timed out and was killed" : client.ExitCode is null ? "was stopped before it exited" : $"exited {client.ExitCode}";
            (client.ExitCode == exitCode ? notes : failures).Add(exited);
        }

        if (expectation.MaxDuration is { } max && client.Ran > max.TotalSeconds)
        {
            failures.Add($"took longer than {Durations.Format(max)}");
        }

        if (expectation.WaitedForImds is { } ip)
        {
            var (holds, evidence) = await JudgeWaitAsync(client, ip);
            (holds ? notes : failures).Add(evidence);
        }

        if (expectation.MetFault is { } name)
        {
            var touched = client.Calls.Where(c => (c.Fault ?? "").Split("; ").Any(note => note.StartsWith(name + ": ", StringComparison.Ordinal))).ToList();
            (touched.Count > 0 ? notes : failures).Add(touched.Count > 0
                ? $"fault {name} touched {touched.Count} of its calls (first: {touched[0].Target} at {S(touched[0].At)}: {touched[0].Fault})"
                : $"fault {name} touched none of its {client.Calls.Count} calls");
        }

        var calls = client.Calls.Where(c => c.Channel == ApiChannel).Select(c => $"{c.Target} at {S(c.At)}{(c.Error is null ? "" : $" ({c.Error})")}").ToList();
        if (calls.Count > 0)
        {
            notes.Add($"{ApiChannel.ToUpperInvariant()} calls: " + string.Join(", ", calls.Take(6)) + (calls.Count > 6 ? ", …" : ""));
        }

        return failures.Count == 0
            ? (true, $"{ran}; {string.Join("; ", notes)}")
            : (false, $"{ran}; {string.Join("; ", failures)}{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}");
    }

    private async Task<(bool Holds, string Evidence)> JudgeWaitAsync(ClientReport client, string ip)
    {
        // Paths as the client sent them; IMDS ignores doubled slashes, and so does this match. Its reads are those the
        // harness recorded before it marked the client's end: replies wait for their record, so that is every reply the
        // client read before it was seen to exit, and no other, whatever the clocks say.
        // An Alibaba instance lists an ENI's addresses in …/private-ipv4s, as a JSON array.
        var (leaf, listing) = IsAlibaba ? ("private-ipv4s", PrivateIpv4s()) : ("local-ipv4s", LocalIpv4s());
        var reads = client.Calls.Where(c => c.Channel == "imds" && c.Method == "GET" && !c.AfterEnd
            && listing.IsMatch(Slashes().Replace(c.Target, "/"))).ToList();
        var readList = reads.Count == 0 ? $"never read {leaf}"
            : $"read {leaf} {reads.Count} time{(reads.Count == 1 ? "" : "s")} ({string.Join("; ", reads.Take(5).Select(r => $"{S(r.At)}: {Shown(r)}"))}{(reads.Count > 5 ? "; …" : "")})";
        var listed = reads.Where(r => r.Status == 200 && Listed(r.Body).Contains(ip)).ToList();
        if (listed.FirstOrDefault(r => r.Current == true) is { } counted)
        {
            return (true, $"{readList}; first saw {ip} at {S(counted.At)}, read {reads.IndexOf(counted) + 1}, from metadata that had caught up");
        }

        var shown = await WhenShownAsync(client, ip);
        return listed.Count > 0
            ? (false, $"read a stale view: it {readList}; its reads that listed {ip} ({string.Join(", ", listed.Take(5).Select(r => S(r.At)))}) "
                + $"came from metadata that had not caught up: changes on their way were to alter that answer; {shown}")
            : (false, $"declared its result without waiting for its metadata to show {ip}: it {readList}; {shown}");
    }

    /// <summary>
    /// When the client's instance's metadata showed an address, from the harness's timeline: the first change giving it
    /// the address made while the client ran, or else the last one before.
    /// </summary>
    private async Task<string> WhenShownAsync(ClientReport client, string ip)
    {
        var (events, _) = await control.EventsAfterAsync(baseline, Token);
        var mentions = new Regex($@"(^|[\s:,+]){Regex.Escape(ip)}(?=$|[\s,=])");
        var removes = new Regex($@"-{Regex.Escape(ip)}(?=$|[\s,=])");
        var gives = events.Where(e => e.InstanceId == client.InstanceId && mentions.IsMatch(e.Detail) && !removes.IsMatch(e.Detail)).ToList();
        var change = gives.FirstOrDefault(e => Seconds(e.MadeAt) >= client.Start) ?? gives.LastOrDefault();
        return change switch
        {
            null => $"no change during the run gave its instance {ip}",
            { SeenAt: { } seen } => $"its instance's metadata showed {ip} from {S(Seconds(seen))} ({change.Kind} {change.Detail}, made at {S(Seconds(change.MadeAt))})",
            { DueAt: { } due } => $"its instance's metadata had not shown {ip} by then (due at {S(Seconds(due))}; {change.Kind} {change.Detail})",
            _ => $"its instance's metadata was not to show {ip} ({change.Status}; {change.Kind} {change.Detail})",
        };
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

    [GeneratedRegex(@"/meta-data/network/interfaces/macs/[0-9a-f:]+/private-ipv4s/?$")]
    private static partial Regex PrivateIpv4s();

    /// <summary>The addresses a listing names: EC2's one a line, Alibaba's a JSON array.</summary>
    private IReadOnlyList<string> Listed(string? body)
    {
        if (!IsAlibaba)
        {
            return (body ?? "").Split('\n');
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(body ?? "") ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    [GeneratedRegex("/{2,}")]
    private static partial Regex Slashes();
}
