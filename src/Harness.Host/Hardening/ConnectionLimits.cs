namespace Harness.Host.Hardening;

/// <summary>
/// How many connections each listener (the EC2 facade with the control API, and the metadata service) holds at once,
/// and how long a connection may stay silent. The default splits the open-file limit between the two listeners after
/// a reserve, so that a flood of connections can never take the descriptors the harness itself needs.
/// </summary>
/// <param name="PerListener">Connections each listener holds at once; past it, a new one evicts the oldest silent one, or is refused.</param>
/// <param name="FileLimit">The open-file limit the default was worked out from (shown in the banner).</param>
internal sealed record ConnectionLimits(int PerListener, long FileLimit)
{
    /// <summary>How long a new connection may stay silent before its first request byte; Kestrel's own header timeout as well.</summary>
    public static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection is kept between requests (Kestrel's default is 130 s).</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Descriptors kept out of the connection limits: the runtime, logs, the harness's own outgoing sockets.</summary>
    public static long Reserve(long fileLimit) => Math.Max(256, fileLimit / 10);

    /// <summary>The limits for <paramref name="fileLimit"/>, or <paramref name="perListener"/> when the user chose one.</summary>
    public static ConnectionLimits For(long fileLimit, int? perListener) =>
        new(perListener ?? (int)Math.Clamp((fileLimit - Reserve(fileLimit)) / 2, 64, 1_000_000), fileLimit);

    /// <summary>
    /// Kestrel's own limit, a backstop a little above the gate's: a connection that evicts a silent one is counted by
    /// Kestrel before the evicted one has closed.
    /// </summary>
    public long KestrelBackstop => PerListener + PerListener / 16 + 16;
}
