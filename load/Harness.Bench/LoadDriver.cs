using System.Diagnostics;

namespace Harness.Bench;

/// <summary>Limits shared by every measured phase: whichever of time or request count runs out first.</summary>
internal sealed record LoadLimits(TimeSpan Duration, int MaxRequests, TimeSpan Warmup);

/// <summary>
/// Runs N closed-loop workers (each sends its next request as soon as the previous one
/// answers), which is how an SDK caller behaves and what "concurrency" means in the figures.
/// </summary>
internal sealed class LoadDriver(QueryClient client)
{
    /// <summary>Times one call into <paramref name="recorder"/>; failures are counted, never thrown.</summary>
    public async Task<QueryResponse> CallAsync(LatencyRecorder recorder, byte[] body)
    {
        var start = Stopwatch.GetTimestamp();
        QueryResponse response;
        try
        {
            response = await client.SendRawAsync(body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException or FormatException)
        {
            response = new QueryResponse(0, ex.GetType().Name + ": " + ex.Message);
        }

        recorder.Record(Stopwatch.GetTimestamp() - start);
        if (response.IsError)
        {
            recorder.RecordError(System.Text.Encoding.UTF8.GetString(body), response);
        }

        return response;
    }

    /// <summary>
    /// Warms up (JIT, connection pool) with a throwaway recorder, then measures.
    /// <paramref name="step"/> gets the worker index and the recorders to time its calls into.
    /// </summary>
    public async Task<(Stats Primary, Stats? Secondary)> RunAsync(
        int concurrency,
        LoadLimits limits,
        bool withSecondary,
        Func<int, LatencyRecorder, LatencyRecorder, Task> step)
    {
        if (limits.Warmup > TimeSpan.Zero)
        {
            var warmCap = Math.Min(limits.MaxRequests, 100_000);
            await RunPhaseAsync(concurrency, limits.Warmup, new LatencyRecorder(warmCap), new LatencyRecorder(warmCap), step);
        }

        var primary = new LatencyRecorder(limits.MaxRequests);
        var secondary = new LatencyRecorder(withSecondary ? limits.MaxRequests : 1);
        var seconds = await RunPhaseAsync(concurrency, limits.Duration, primary, secondary, step);
        return (primary.Summarize(seconds), withSecondary ? secondary.Summarize(seconds) : null);
    }

    private static async Task<double> RunPhaseAsync(
        int concurrency,
        TimeSpan duration,
        LatencyRecorder primary,
        LatencyRecorder secondary,
        Func<int, LatencyRecorder, LatencyRecorder, Task> step)
    {
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = StartWorkers(concurrency, async worker =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !primary.Full)
            {
                await step(worker, primary, secondary);
            }
        });
        await Task.WhenAll(workers);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// One dedicated thread per worker: the raw client blocks on its socket, and blocking
    /// thread-pool threads would leave the pool to inject threads slowly mid-measurement.
    /// </summary>
    public static Task[] StartWorkers(int count, Func<int, Task> body) =>
        Enumerable.Range(0, count)
            .Select(worker => Task.Factory.StartNew(
                () => body(worker).GetAwaiter().GetResult(),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default))
            .ToArray();
}
