using System.Runtime.InteropServices;

namespace Harness.Host.Hardening;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE). Every connection is a file descriptor; a process that runs out of
/// them cannot accept, log, or even allocate reliably, so the harness raises its soft limit to the hard one at start
/// and sizes its connection limits below it.
/// </summary>
internal static partial class FileLimit
{
    /// <summary>What is assumed where the limit cannot be read (not Linux): generous, as on Windows there is none.</summary>
    public const long Unknown = 65_536;

    // RLIMIT_NOFILE on Linux (every architecture .NET runs on).
    private const int NoFile = 7;

    /// <summary>Raises the soft limit to the hard limit where the OS lets the process; answers both afterwards.</summary>
    public static (long Soft, long Hard) Raise()
    {
        if (!OperatingSystem.IsLinux() || GetLimit(NoFile, out var limit) != 0)
        {
            return (Unknown, Unknown);
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetLimit(NoFile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (Clamp(limit.Current), Clamp(limit.Maximum));
    }

    /// <summary>The soft limit now: what the process may open.</summary>
    public static long Current() =>
        OperatingSystem.IsLinux() && GetLimit(NoFile, out var limit) == 0 ? Clamp(limit.Current) : Unknown;

    // RLIM_INFINITY is all ones.
    private static long Clamp(ulong value) => value > int.MaxValue ? int.MaxValue : (long)value;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Limit(ulong Current, ulong Maximum);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, in Limit limit);
}
