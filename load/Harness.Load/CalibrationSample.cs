namespace Harness.Load;

/// <summary>
/// One client's run against the bare endpoint in one round: its rate and latency, and the CPU that the client, the
/// server and the rest of the machine used meanwhile (a busy neighbour shows up in <see cref="OtherCpuSeconds"/>).
/// For wrk also its thread count and the server's user-mode share of its CPU (its own code and the runtime's, without
/// the kernel's TCP work), which the IMDS benchmark reports.
/// </summary>
internal sealed record CalibrationSample(
    string Client,
    int Connections,
    double Seconds,
    long Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    long Errors,
    double ClientCpuSeconds,
    double ServerCpuSeconds,
    double OtherCpuSeconds,
    int Threads = 0,
    double ServerUserCpuSeconds = 0)
{
    public double ClientMicrosPerRequest => Requests == 0 ? 0 : Math.Round(ClientCpuSeconds * 1e6 / Requests, 1);

    public double ServerMicrosPerRequest => Requests == 0 ? 0 : Math.Round(ServerCpuSeconds * 1e6 / Requests, 1);

    /// <summary>How busy the client's threads were: near 100 % would mean the client itself limits the rate.</summary>
    public double ClientThreadBusyPercent => Threads == 0 || Seconds == 0 ? 0 : Math.Round(100 * ClientCpuSeconds / (Threads * Seconds), 1);
}
