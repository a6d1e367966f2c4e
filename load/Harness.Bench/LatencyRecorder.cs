using System.Diagnostics;

namespace Harness.Bench;

/// <summary>
/// Per-request latencies in a preallocated array: recording is one interlocked increment
/// and one store, so measuring does not allocate or contend on the hot path.
/// </summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _next = -1;
    private int _errors;
    private ErrorSample? _firstError;

    /// <summary>True once the request cap is reached; workers stop at the next check.</summary>
    public bool Full => Volatile.Read(ref _next) >= _ticks.Length - 1;

    public int Count => Math.Min(Volatile.Read(ref _next) + 1, _ticks.Length);

    public int Errors => Volatile.Read(ref _errors);

    public ErrorSample? FirstError => _firstError;

    public void Record(long elapsedTicks)
    {
        var slot = Interlocked.Increment(ref _next);
        if (slot < _ticks.Length)
        {
            _ticks[slot] = elapsedTicks;
        }
    }

    /// <summary>Keeps only the first failure: one exact exchange is what a bug report needs.</summary>
    public void RecordError(string request, QueryResponse response)
    {
        Interlocked.Increment(ref _errors);
        if (_firstError is null)
        {
            Interlocked.CompareExchange(ref _firstError, new ErrorSample(request, response.Status, Trim(response.Body)), null);
        }
    }

    public Stats Summarize(double elapsedSeconds)
    {
        var n = Count;
        var sorted = _ticks.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        return new Stats(
            Requests: n,
            Errors: Errors,
            Seconds: Math.Round(elapsedSeconds, 3),
            RequestsPerSecond: n == 0 ? 0 : Math.Round(n / elapsedSeconds, 1),
            P50Ms: Percentile(sorted, 0.50),
            P90Ms: Percentile(sorted, 0.90),
            P99Ms: Percentile(sorted, 0.99),
            MaxMs: n == 0 ? 0 : ToMs(sorted[^1]),
            FirstError: _firstError);
    }

    private static double Percentile(long[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return ToMs(sorted[Math.Clamp(rank, 0, sorted.Length - 1)]);
    }

    private static double ToMs(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);

    private static string Trim(string s) => s.Length <= 1500 ? s : s[..1500] + "...";
}

internal sealed record ErrorSample(string Request, int Status, string Response);

internal sealed record Stats(
    int Requests,
    int Errors,
    double Seconds,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    ErrorSample? FirstError);
