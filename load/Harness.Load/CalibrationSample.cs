namespace Harness.Load;

/// <summary>
/// One client's run against the bare endpoint in one round: its rate and latency, and the CPU that the client, the
/// server and the rest of the machine used meanwhile (a busy neighbour shows up in <see cref="OtherCpuSeconds"/>).
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
    double OtherCpuSeconds)
{
    public double ClientMicrosPerRequest => Requests == 0 ? 0 : Math.Round(ClientCpuSeconds * 1e6 / Requests, 1);

    public double ServerMicrosPerRequest => Requests == 0 ? 0 : Math.Round(ServerCpuSeconds * 1e6 / Requests, 1);
}
