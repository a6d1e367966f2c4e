namespace Harness.Host.Hardening;

/// <summary>
/// How many connections each listener (the EC2 facade with the control API, and the metadata service) holds at once,
/// and how long a connection may stay silent. The default fits both listeners' sockets, eviction slack included, into
/// the open-file limit less a reserve, so that a flood of connections can never take the descriptors the harness itself
/// needs: a process that runs out of them dies (.NET's garbage collector, unable to read /proc/meminfo, reports
/// "Out of memory." and the process exits).
/// </summary>
/// <param name="PerListener">Connections each listener holds at once; past it, a new one evicts the oldest silent one, or is refused.</param>
/// <param name="FileLimit">The open-file limit the default was worked out from (shown in the banner).</param>
internal sealed record ConnectionLimits(int PerListener, long FileLimit)
{
    /// <summary>How long a new connection may stay silent before its first request byte; Kestrel's own header timeout as well.</summary>
    public static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection is kept between requests (Kestrel's default is 130 s).</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(60);

    private const int Smallest = 64;

    /// <summary>Descriptors kept out of the connection limits: the runtime, logs, the harness's own outgoing sockets.</summary>
    public static long Reserve(long fileLimit) => Math.Max(512, fileLimit / 10);

    /// <summary>The limits for <paramref name="fileLimit"/>, or <paramref name="perListener"/> when the user chose one.</summary>
    public static ConnectionLimits For(long fileLimit, int? perListener) =>
        new(perListener ?? Largest(fileLimit), fileLimit);

    /// <summary>
    /// The most connections a listener may hold under <paramref name="fileLimit"/>: two listeners' <see cref="AcceptLimit"/>
    /// together stay within the limit less the reserve.
    /// </summary>
    public static int Largest(long fileLimit)
    {
        var perListenerSockets = (fileLimit - Reserve(fileLimit)) / 2;
        return (int)Math.Clamp((perListenerSockets - 16) * 16 / 17, Smallest, 1_000_000);
    }

    /// <summary>
    /// Sockets a listener may have accepted and not yet closed; past it, it accepts no more until one closes (new ones
    /// wait in the kernel's backlog). A little above <see cref="PerListener"/>: a connection that evicts a silent one,
    /// or is refused, is accepted before the other closes, and closing takes the runtime a moment.
    /// </summary>
    public int AcceptLimit => PerListener + PerListener / 16 + 16;
}
