using System.Globalization;

namespace Harness.Load;

/// <summary>CPU time from /proc: one process's (user + system, all threads) and the whole machine's busy time.</summary>
internal static class CpuClock
{
    // USER_HZ: 100 on every Linux ABI .NET runs on.
    private const double TicksPerSecond = 100.0;

    public static double ProcessSeconds(int pid)
    {
        var (user, system) = ProcessTimes(pid);
        return user + system;
    }

    /// <summary>utime and stime of every thread of the process, in seconds; zeros when it is gone.</summary>
    public static (double User, double System) ProcessTimes(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) / TicksPerSecond, long.Parse(fields[12], CultureInfo.InvariantCulture) / TicksPerSecond);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>The command line of a process, to show that a PID is the server it is said to be.</summary>
    public static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "(gone)";
        }
    }

    /// <summary>CPU-seconds all cores together spent not idle.</summary>
    public static double MachineBusySeconds()
    {
        try
        {
            var values = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return (values.Sum() - values[3] - values[4]) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
