using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Harness.Bench;

/// <summary>One wrk run against one server, with the CPU that wrk, the server and the rest of the machine used meanwhile.</summary>
internal sealed record WrkRun(
    string Server,
    int Threads,
    int Connections,
    double Seconds,
    long Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    long Errors,
    double WrkCpuSeconds,
    double ServerCpuSeconds,
    double ServerUserSeconds,
    double MachineBusySeconds)
{
    /// <summary>CPU time of everything else on the machine (other processes, interrupts not charged to either).</summary>
    public double OtherCpuSeconds => Math.Max(0, Math.Round(MachineBusySeconds - WrkCpuSeconds - ServerCpuSeconds, 2));

    public double WrkMicrosPerRequest => Requests == 0 ? 0 : Math.Round(WrkCpuSeconds * 1e6 / Requests, 2);

    public double ServerMicrosPerRequest => Requests == 0 ? 0 : Math.Round(ServerCpuSeconds * 1e6 / Requests, 2);

    /// <summary>The server's user-mode share: its own code and the runtime's, without the kernel's TCP work.</summary>
    public double ServerUserMicrosPerRequest => Requests == 0 ? 0 : Math.Round(ServerUserSeconds * 1e6 / Requests, 2);

    /// <summary>How busy wrk's threads were: near 100 % would mean wrk itself limits the rate.</summary>
    public double WrkThreadBusyPercent => Seconds == 0 ? 0 : Math.Round(100 * WrkCpuSeconds / (Threads * Seconds), 1);
}

/// <summary>
/// Runs wrk (keep-alive, GET) through <c>bash -c 'wrk …; times'</c> so that wrk's own user+system CPU is read exactly
/// from the shell's child times, and reads the server's CPU from /proc/PID/stat and the machine's from /proc/stat.
/// </summary>
internal static partial class Wrk
{
    public static async Task<WrkRun> RunAsync(string server, Uri url, int serverPid, int threads, int connections, TimeSpan duration)
    {
        var serverBefore = ProcessCpu(serverPid);
        var machineBefore = MachineBusySeconds();
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "-c", "wrk \"$@\"; rc=$?; times; exit $rc", "wrk",
                "-t", threads.ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s",
                "--timeout", "5s",
                "--latency", url.ToString(),
            },
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start wrk");
        var stderr = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var serverAfter = ProcessCpu(serverPid);
        var machineBusy = MachineBusySeconds() - machineBefore;
        var rps = RequestsPerSecond().Match(output);
        var total = Total().Match(output);
        var times = ChildTimes().Matches(output);
        if (process.ExitCode != 0 || !rps.Success || !total.Success || times.Count < 2)
        {
            throw new InvalidOperationException($"wrk failed (exit {process.ExitCode}):\n{output}\n{await stderr}");
        }

        var child = times[^1];
        var wrkCpu = Minutes(child.Groups[1]) + Minutes(child.Groups[3]) + Seconds(child.Groups[2]) + Seconds(child.Groups[4]);
        var errors = NonSuccess().Match(output) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        if (SocketErrors().Match(output) is { Success: true } s)
        {
            errors += Enumerable.Range(1, 4).Sum(g => long.Parse(s.Groups[g].Value, CultureInfo.InvariantCulture));
        }

        return new WrkRun(
            server, threads, connections,
            double.Parse(total.Groups[2].Value, CultureInfo.InvariantCulture) * (total.Groups[3].Value == "m" ? 60 : 1),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            LatencyMs(output, "50%"),
            LatencyMs(output, "99%"),
            errors,
            Math.Round(wrkCpu, 2),
            Math.Round(serverAfter.User + serverAfter.System - serverBefore.User - serverBefore.System, 2),
            Math.Round(serverAfter.User - serverBefore.User, 2),
            Math.Round(machineBusy, 2));
    }

    /// <summary>utime and stime of every thread of the process, from /proc/PID/stat, in seconds.</summary>
    public static (double User, double System) ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / ClockTicks, long.Parse(fields[12], CultureInfo.InvariantCulture) / ClockTicks);
    }

    /// <summary>CPU-seconds the whole machine spent not idle (all cores), from /proc/stat.</summary>
    public static double MachineBusySeconds()
    {
        var line = File.ReadLines("/proc/stat").First();
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = values[3] + values[4];
        return (values.Sum() - idle) / ClockTicks;
    }

    /// <summary>The command line of a process, to check that a PID is the server it is said to be.</summary>
    public static string CommandLineOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();

    // USER_HZ: 100 on every Linux ABI .NET runs on.
    private const double ClockTicks = 100.0;

    private static double Minutes(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture) * 60;

    private static double Seconds(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);

    /// <summary>Reads a "  99%  123.45us" line of wrk's latency distribution.</summary>
    private static double LatencyMs(string output, string percentile)
    {
        var m = Regex.Match(output, @"^\s*" + Regex.Escape(percentile) + @"\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success)
        {
            return 0;
        }

        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
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
