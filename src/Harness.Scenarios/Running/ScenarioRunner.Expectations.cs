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
            ApiExpectation api => await WatchAsync(expectation, () => IsAlibaba ? CheckAlibabaApiAsync(api) : CheckApiAsync(api)),
            _ => throw new InvalidOperationException($"No check for {expectation.GetType().Name}."),
        };
        string? subject;
        lock (gate)
        {
            subject = expectation switch
            {
                ClientExpectation client => clients.GetValueOrDefault(client.Client)?.Instance,
                MetadataExpectation metadata => metadata.Instance,
                ApiExpectation api => api.Subject,
                _ => null,
            };
        }

        RecordExpectation(expectation, new ExpectationReport(expectation.Mark.Line, expectation.Describe(), passed, clock.Elapsed.TotalSeconds, evidence, subject));
    }

    private void RecordExpectation(ExpectStep expectation, ExpectationReport report)
    {
        lock (gate)
        {
            expectations.Add((expectation, report));
        }

        progress.Line(clock.Elapsed, report.Passed ? "✓" : "✗", $"{report.Description}: {report.Evidence}");
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

                if (wanted.Any(v => Ipv4.TryParse(v, out var address) && PublicAddresses.Contains(address)))
                {
                    compared.UnionWith(publics);
                }

                return compared.SetEquals(wanted);
        }
    }

    private static string Describe(IEnumerable<(int Device, string Id, IReadOnlyList<string> Private, IReadOnlyList<string> Prefixes, IReadOnlyList<string> Public)> interfaces)
    {
        var parts = interfaces.OrderBy(n => n.Device).Select(n =>
        {
            var all = n.Private.Concat(n.Prefixes).Concat(n.Public.Select(p => p + " (public)"));
            return $"device {n.Device} ({n.Id}): {string.Join(", ", all)}";
        }).ToList();
        return parts.Count == 0 ? "no interfaces" : string.Join("; ", parts);
    }

    private static string S(double seconds) => Durations.Format(TimeSpan.FromSeconds(Math.Max(0, seconds)));
}
