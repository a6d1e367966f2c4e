using System.Globalization;
using System.Text.Json;
using Harness.Host;

namespace Harness.Load;

/// <summary>
/// <c>harness-load calibrate</c>: shows that the engine is not what limits a load run. A bare Kestrel endpoint (its own
/// process) is driven in turn by wrk and by the engine (keep(copies=C) of one <c>GET /</c> step), C kept-alive
/// connections each, round after round with the order alternating. The figure is the median over rounds of the
/// engine's rate ÷ the best wrk rate of the same round (<see cref="CalibrationReport"/>); exit 0
/// when it reaches <c>--min-ratio</c> (0.8), 1 when not, 2 for bad arguments, a missing wrk, a server that would not
/// start, a wrk that failed, or Ctrl+C.
/// </summary>
internal static class CalibrateCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="self">How a new process of this program reaches harness-load's command line: the bare endpoint's process starts so.</param>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<string>? self = null)
    {
        var options = CalibrateOptions.Parse(args, out var error);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync($"harness-load calibrate: {error}");
            return 2;
        }

        if (WrkRunner.Find() is not { } wrk)
        {
            await Console.Error.WriteLineAsync("calibrate: wrk is not installed; install Debian's package with: apt-get install -y wrk");
            return 2;
        }

        // Before any socket: the engine is measured the way harness-load runs it (see InlineSocketCompletions).
        InlineSocketCompletions.Enable();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        var load = CpuClock.LoadAverage();
        CalibrationServer server;
        try
        {
            server = await CalibrationServer.StartAsync(options.Port, options.InProcess, self ?? [], stop.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"calibrate: {e.Message}");
            return 2;
        }

        await using (server)
        {
            Console.WriteLine($"bare endpoint {server.Url} ({(options.InProcess ? "in this process" : $"process {server.Pid}")}), " +
                $"{options.Connections} connections, {options.Rounds} rounds of {Seconds(options.Duration)}, {Environment.ProcessorCount} cores, load average {load}");
            List<CalibrationRound> rounds;
            try
            {
                rounds = await RunRoundsAsync(wrk, server, options, stop.Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"calibrate: {(e is OperationCanceledException ? "cancelled" : e.Message)}");
                return 2;
            }

            var report = new CalibrationReport(
                server.Url.ToString(), Environment.ProcessorCount, load, options.Duration.TotalSeconds, options.Connections, options.InProcess, rounds, options.MinRatio);
            Console.WriteLine();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"medians over {rounds.Count} rounds: {string.Join(", ", report.MedianWrkRequestsPerSecond.Select(p => $"{p.Key} {p.Value:F0}"))}, engine {report.MedianEngineRequestsPerSecond:F0} req/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median of engine ÷ best wrk per round: {report.MedianRatio:F3} ") +
                (report.Passed
                    ? $"(≥ {options.MinRatio:F2}: the engine is not the bottleneck)"
                    : $"(< {options.MinRatio:F2}: the engine is slower than wrk by more than allowed)"));
            if (report.OtherCpuShare > 0.05)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"note: other processes took {report.OtherCpuShare:P0} of the machine's CPU during the runs; rounds vary with them, run again on a quieter machine for steadier figures"));
            }

            if (options.Json is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Json), stop.Token);
                Console.WriteLine($"written: {path}");
            }

            return report.Passed ? 0 : 1;
        }
    }

    private static async Task<List<CalibrationRound>> RunRoundsAsync(string wrk, CalibrationServer server, CalibrateOptions options, CancellationToken ct)
    {
        if (options.WarmUp > TimeSpan.Zero)
        {
            // JIT and tiering of both server and engine, and the sockets' first connections: not measured.
            await WrkRunner.RunAsync(wrk, server.Url, options.WrkThreads[0], options.Connections, options.WarmUp, server.Pid, ct);
            await EngineProbe.RunAsync(server.Url, options.Connections, options.WarmUp, server.Pid, ct);
        }

        var rounds = new List<CalibrationRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            // The engine goes last, then first, and so on: a neighbour that comes or goes weighs on both alike.
            CalibrationSample? engine = null;
            if (round % 2 == 0)
            {
                engine = await EngineProbe.RunAsync(server.Url, options.Connections, options.Duration, server.Pid, ct);
            }

            var wrkSamples = new List<CalibrationSample>();
            foreach (var threads in options.WrkThreads)
            {
                wrkSamples.Add(await WrkRunner.RunAsync(wrk, server.Url, threads, options.Connections, options.Duration, server.Pid, ct));
            }

            engine ??= await EngineProbe.RunAsync(server.Url, options.Connections, options.Duration, server.Pid, ct);
            var result = new CalibrationRound(round, wrkSamples, engine);
            rounds.Add(result);
            Print(result);
        }

        return rounds;
    }

    private static void Print(CalibrationRound round)
    {
        Console.WriteLine();
        Console.WriteLine($"round {round.Round}");
        Console.WriteLine($"  {"client",-8} {"conns",5} {"req/s",9} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"client µs/req",13} {"server µs/req",13} {"other cpu s",11}");
        foreach (var s in round.Wrk.Append(round.Engine))
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {s.Client,-8} {s.Connections,5} {s.RequestsPerSecond,9:F0} {s.P50Ms,7:F3} {s.P99Ms,7:F3} {s.Errors,6} {s.ClientMicrosPerRequest,13:F1} {s.ServerMicrosPerRequest,13:F1} {s.OtherCpuSeconds,11:F2}"));
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  engine ÷ {string.Join(", ", round.Wrk.Select(w => $"{w.Client}: {round.RatioTo(w):F3}"))}; ÷ best: {round.Ratio:F3}"));
    }

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s");
}
