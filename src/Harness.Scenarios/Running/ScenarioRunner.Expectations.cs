using System.Text.RegularExpressions;
using Harness.Domain.Net;
using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>Judging expectations: on metadata and the API by looking (until true, or all along), on clients from what they did.</summary>
public sealed partial class ScenarioRunner
{
    private async Task ExpectAsync(ExpectStep expectation)
    {
        var (passed, evidence) = expectation switch
        {
            ClientExpectation client => await JudgeClientAsync(client),
            MetadataExpectation metadata => await WatchAsync(expectation, () => CheckMetadataAsync(metadata)),
            ApiExpectation api => await WatchAsync(expectation, () => CheckApiAsync(api)),
            _ => throw new InvalidOperationException($"No check for {expectation.GetType().Name}."),
        };
        var subject = expectation switch
        {
            ClientExpectation client => clients.GetValueOrDefault(client.Client)?.Instance,
            MetadataExpectation metadata => metadata.Instance,
            ApiExpectation api => api.Subject,
            _ => null,
        };
        var report = new ExpectationReport(expectation.Mark.Line, expectation.Describe(), passed, clock.Elapsed.TotalSeconds, evidence, subject);
        lock (gate)
        {
            expectations.Add((expectation, report));
        }

        progress.Line(clock.Elapsed, passed ? "✓" : "✗", $"{expectation.Describe()}: {evidence}");
    }

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>Checks once, until true (<c>within</c>), or all along (<c>during</c>).</summary>
    private async Task<(bool Passed, string Evidence)> WatchAsync(ExpectStep expectation, Func<Task<(bool Holds, string Seen)>> check)
    {
        var start = clock.Now;
        if (expectation.Within is { } within)
        {
            var deadline = start + within;
            var told = start;
            while (true)
            {
                var (holds, seen) = await check();
                if (holds)
                {
                    return (true, $"true after {Durations.Format(clock.Now - start)}: {seen}");
                }

                if (clock.Now >= deadline)
                {
                    return (false, $"still not true after {Durations.Format(within)}: {seen}");
                }

                if (!clock.IsVirtual && clock.Now - told >= ProgressInterval)
                {
                    // A long wait in real time shows that it is still waiting, and on what.
                    told = clock.Now;
                    progress.Line(clock.Elapsed, "…", $"{expectation.Describe()}: not yet after {Durations.Format(told - start)}: {seen}");
                }

                await clock.WaitForChangeAsync(deadline, Token);
            }
        }

        if (expectation.During is { } during)
        {
            var deadline = start + during;
            while (true)
            {
                var (holds, seen) = await check();
                if (!holds)
                {
                    return (false, $"stopped being true after {Durations.Format(clock.Now - start)}: {seen}");
                }

                if (clock.Now >= deadline)
                {
                    return (true, $"held for {Durations.Format(during)}: {seen}");
                }

                await clock.WaitForChangeAsync(deadline, Token);
            }
        }

        var once = await check();
        return (once.Holds, once.Seen);
    }

    private async Task<(bool, string)> CheckMetadataAsync(MetadataExpectation expectation)
    {
        var document = await control.MetadataAsync(instanceIds[expectation.Instance], Token);
        if (document is null)
        {
            return (expectation.Match == AddressMatch.Lacks, $"{expectation.Instance} has no metadata any more");
        }

        if (document.Seen.State != "running")
        {
            return (false, $"the metadata service of {expectation.Instance} does not answer (its metadata shows it {document.Seen.State})");
        }

        var interfaces = document.Seen.Interfaces.Where(n => expectation.Device is not { } device || n.DeviceNumber == device).ToList();
        var shown = Describe(interfaces.Select(n => (n.DeviceNumber, n.NetworkInterfaceId, (IReadOnlyList<string>)n.LocalIpv4s, n.Ipv4Prefixes,
            (IReadOnlyList<string>)[.. n.Ipv4Associations.Keys])));
        var holds = Matches(expectation.Match, expectation.Values, interfaces.SelectMany(n => n.LocalIpv4s),
            interfaces.SelectMany(n => n.Ipv4Prefixes), interfaces.SelectMany(n => n.Ipv4Associations.Keys));
        var pending = document.InSync ? "" : "; the API already says " + Describe(document.Desired.Interfaces
            .Where(n => expectation.Device is not { } device || n.DeviceNumber == device)
            .Select(n => (n.DeviceNumber, n.NetworkInterfaceId, (IReadOnlyList<string>)n.LocalIpv4s, n.Ipv4Prefixes, (IReadOnlyList<string>)[.. n.Ipv4Associations.Keys])));
        return (holds, $"metadata shows {shown}{pending}");
    }

    private async Task<(bool, string)> CheckApiAsync(ApiExpectation expectation)
    {
        if (expectation.State is { } state)
        {
            var reply = await ec2.CallAsync("DescribeInstances", Token, ("InstanceId.1", instanceIds[expectation.Subject]));
            var current = Ec2Client.All(reply, "instanceState").Select(s => Ec2Client.Value(s, "name")).FirstOrDefault() ?? "unknown";
            return (current == state, $"DescribeInstances says {current}");
        }

        var interfaces = instanceIds.TryGetValue(expectation.Subject, out var instanceId)
            ? await DescribeInterfacesAsync([("Filter.1.Name", "attachment.instance-id"), ("Filter.1.Value.1", instanceId),
                .. expectation.Device is { } device ? [("Filter.2.Name", "attachment.device-index"), ("Filter.2.Value.1", Ec2Client.Number(device))] : Array.Empty<(string, string)>()])
            : await DescribeInterfacesAsync(("NetworkInterfaceId.1", interfaceIds[expectation.Subject]));
        var seen = interfaces.Select(n =>
        {
            var device = int.TryParse(Ec2Client.All(n, "deviceIndex").FirstOrDefault()?.Value, out var index) ? index : -1;
            var addresses = Ec2Client.Items(n, "privateIpAddressesSet").ToList();
            return (Device: device, Id: Ec2Client.Value(n, "networkInterfaceId") ?? "",
                Private: (IReadOnlyList<string>)[.. addresses.Select(a => Ec2Client.Value(a, "privateIpAddress") ?? "")],
                Prefixes: (IReadOnlyList<string>)[.. Ec2Client.Items(n, "ipv4PrefixSet").Select(p => Ec2Client.Value(p, "ipv4Prefix") ?? "")],
                Public: (IReadOnlyList<string>)[.. addresses.SelectMany(a => Ec2Client.All(a, "publicIp")).Select(p => p.Value).Distinct()]);
        }).ToList();
        var holds = Matches(expectation.Match!.Value, expectation.Values, seen.SelectMany(n => n.Private), seen.SelectMany(n => n.Prefixes), seen.SelectMany(n => n.Public));
        return (holds, $"DescribeNetworkInterfaces says {Describe(seen)}");
    }

    /// <summary>
    /// <c>has</c>: every value is there; <c>lacks</c>: none is; <c>equals</c>: the private addresses are exactly the
    /// values (and the prefixes and public addresses too, when the values name any).
    /// </summary>
    private bool Matches(AddressMatch match, IReadOnlyList<string> values, IEnumerable<string> privates, IEnumerable<string> prefixes, IEnumerable<string> publics)
    {
        var wanted = values.Select(v => elasticIps.TryGetValue(v, out var eip) ? eip.PublicIp : v).ToHashSet(StringComparer.Ordinal);
        var shown = new HashSet<string>(privates, StringComparer.Ordinal);
        shown.UnionWith(prefixes);
        shown.UnionWith(publics);
        switch (match)
        {
            case AddressMatch.Has:
                return wanted.IsSubsetOf(shown);
            case AddressMatch.Lacks:
                return !wanted.Overlaps(shown);
            default:
                var compared = new HashSet<string>(privates, StringComparer.Ordinal);
                if (wanted.Any(v => v.Contains('/')))
                {
                    compared.UnionWith(prefixes);
                }

                if (wanted.Any(v => Ipv4.TryParse(v, out var address) && IsPublic(address)))
                {
                    compared.UnionWith(publics);
                }

                return compared.SetEquals(wanted);
        }
    }

    private static bool IsPublic(uint address) =>
        address >> 24 != 10 && (address >> 20) != 0xAC1 && (address >> 16) != 0xC0A8 && address >> 24 != 127;

    private static string Describe(IEnumerable<(int Device, string Id, IReadOnlyList<string> Private, IReadOnlyList<string> Prefixes, IReadOnlyList<string> Public)> interfaces)
    {
        var parts = interfaces.OrderBy(n => n.Device).Select(n =>
        {
            var all = n.Private.Concat(n.Prefixes).Concat(n.Public.Select(p => p + " (public)"));
            return $"device {n.Device} ({n.Id}): {string.Join(", ", all)}";
        }).ToList();
        return parts.Count == 0 ? "no interfaces" : string.Join("; ", parts);
    }

    /// <summary>
    /// A client's verdict. <c>waitedForImds</c> holds only if one of its own reads of its instance's
    /// <c>local-ipv4s</c> showed the address before it exited; otherwise the evidence says when the metadata did show it.
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
            var exited = client.TimedOut ? "timed out and was killed" : $"exited {client.ExitCode}";
            (client.ExitCode == exitCode && !client.TimedOut ? notes : failures).Add(exited);
        }

        if (expectation.MaxDuration is { } max && client.End - client.Start > max.TotalSeconds)
        {
            failures.Add($"took longer than {Durations.Format(max)}");
        }

        if (expectation.WaitedForImds is { } ip)
        {
            // Paths as the client sent them; IMDS ignores doubled slashes, and so does this match.
            var reads = client.Calls.Where(c => c.Channel == "imds" && LocalIpv4s().IsMatch(Slashes().Replace(c.Target, "/")) && c.At <= client.End).ToList();
            var saw = reads.FirstOrDefault(c => c.Status == 200 && (c.Body ?? "").Split('\n').Contains(ip));
            var readList = reads.Count == 0 ? "never read local-ipv4s"
                : $"read local-ipv4s {reads.Count} time{(reads.Count == 1 ? "" : "s")} ({string.Join("; ", reads.Take(5).Select(r => $"{S(r.At)}: {Shown(r)}"))}{(reads.Count > 5 ? "; …" : "")})";
            if (saw is not null)
            {
                notes.Add($"{readList}; first saw {ip} at {S(saw.At)}, read {reads.IndexOf(saw) + 1}");
            }
            else
            {
                failures.Add($"declared its result without waiting for its metadata to show {ip}: it {readList}; {await WhenShownAsync(client.InstanceId, ip)}");
            }
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

    /// <summary>When the instance's metadata first showed an address after the run began, from the harness's timeline.</summary>
    private async Task<string> WhenShownAsync(string instanceId, string ip)
    {
        var (events, _) = await control.EventsAfterAsync(baseline, Token);
        var pattern = new Regex($@"(^|[\s:,+]){Regex.Escape(ip)}(?=$|[\s,=])");
        var change = events.FirstOrDefault(e => e.InstanceId == instanceId && !e.Detail.Contains("-" + ip, StringComparison.Ordinal) && pattern.IsMatch(e.Detail));
        return change switch
        {
            null => $"the metadata of its instance did not show {ip} during the run",
            { SeenAt: { } seen } => $"its instance's metadata showed {ip} only from {S((seen - clock.Start).TotalSeconds)} ({change.Kind} {change.Detail}, made at {S((change.MadeAt - clock.Start).TotalSeconds)})",
            { DueAt: { } due } => $"its instance's metadata had not shown {ip} yet (due at {S((due - clock.Start).TotalSeconds)})",
            _ => $"its instance's metadata will not show {ip} ({change.Status})",
        };
    }

    private static string Shown(CallReport read) => read.Status switch
    {
        200 => string.IsNullOrEmpty(read.Body) ? "(empty)" : (read.Body ?? "").Replace('\n', ' '),
        0 => "connection dropped",
        var status => $"HTTP {status}",
    };

    private static string S(double seconds) => Durations.Format(TimeSpan.FromSeconds(Math.Max(0, seconds)));

    [GeneratedRegex(@"/meta-data/network/interfaces/macs/[0-9a-f:]+/local-ipv4s/?$")]
    private static partial Regex LocalIpv4s();

    [GeneratedRegex("/{2,}")]
    private static partial Regex Slashes();
}
