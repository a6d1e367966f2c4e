using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Harness.Load;

/// <summary>
/// Runs Debian's wrk (keep-alive GETs) through <c>bash -c 'wrk …; times'</c>, so that wrk's own CPU is read exactly
/// from the shell's child times, and reads the server's and the machine's CPU from /proc around it. Calibration and the
/// IMDS benchmark both run wrk through here.
/// </summary>
internal static partial class WrkRunner
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "wrk"))
            .FirstOrDefault(File.Exists);

    public static async Task<CalibrationSample> RunAsync(
        string wrk, Uri url, int threads, int connections, TimeSpan duration, int serverPid, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "-c", "\"$0\" \"$@\"; rc=$?; times; exit $rc", wrk,
                "-t", threads.ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s",
                "--timeout", "5s",
                "--latency", url.ToString(),
            },
        };
        var serverBefore = CpuClock.ProcessTimes(serverPid);
        var machineBefore = CpuClock.MachineBusySeconds();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start wrk");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var serverAfter = CpuClock.ProcessTimes(serverPid);
        var serverUser = serverAfter.User - serverBefore.User;
        var server = serverUser + serverAfter.System - serverBefore.System;
        var machine = CpuClock.MachineBusySeconds() - machineBefore;

        var rps = RequestsPerSecond().Match(output);
        var total = Total().Match(output);
        var times = ChildTimes().Matches(output);
        if (process.ExitCode != 0 || !rps.Success || !total.Success || times.Count < 2)
        {
            throw new InvalidOperationException($"wrk failed (exit {process.ExitCode}):\n{output}\n{await stderr}");
        }

        var child = times[^1];
        var client = (Number(child.Groups[1]) * 60) + Number(child.Groups[2]) + (Number(child.Groups[3]) * 60) + Number(child.Groups[4]);
        long errors = NonSuccess().Match(output) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (SocketErrors().Match(output) is { Success: true } s)
        {
            errors += Enumerable.Range(1, 4).Sum(g => long.Parse(s.Groups[g].Value, CultureInfo.InvariantCulture));
        }

        return new CalibrationSample(
            $"wrk -t{threads}",
            connections,
            Number(total.Groups[2]) * (total.Groups[3].Value == "m" ? 60 : 1),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            Math.Round(Number(rps.Groups[1])),
            LatencyMs(output, "50%"),
            LatencyMs(output, "99%"),
            errors,
            Math.Round(client, 2),
            Math.Round(server, 2),
            Math.Round(Math.Max(0, machine - client - server), 2),
            threads,
            Math.Round(serverUser, 2));
    }

    private static double Number(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);

    /// <summary>Reads a "  99%  123.45us" line of wrk's latency distribution.</summary>
    private static double LatencyMs(string output, string percentile)
    {
        var m = Regex.Match(output, @"^\s*" + Regex.Escape(percentile) + @"\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success)
        {
            return 0;
        }

        var v = Number(m.Groups[1]);
        return Math.Round(m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, _ => v * 1000 }, 3);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(m|s)")]
    private static partial Regex Total();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$", RegexOptions.Multiline)]
    private static partial Regex ChildTimes();
}
