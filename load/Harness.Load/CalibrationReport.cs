namespace Harness.Load;

/// <summary>
/// What <c>harness-load calibrate</c> found, and what <c>--json</c> writes. The figure is the median over rounds of
/// the engine's rate ÷ the best wrk rate of the same round (wrk at whichever thread count did best then): the
/// comparison least kind to the engine, and the median so that one round spoilt by a neighbour does not decide.
/// </summary>
internal sealed record CalibrationReport(
    string Target,
    int Cores,
    string LoadAverageAtStart,
    double DurationSeconds,
    int Connections,
    bool ServerInProcess,
    IReadOnlyList<CalibrationRound> Rounds,
    double MinRatio)
{
    /// <summary>Each wrk setting's median rate over the rounds.</summary>
    public IReadOnlyDictionary<string, double> MedianWrkRequestsPerSecond =>
        Rounds.SelectMany(r => r.Wrk).GroupBy(s => s.Client).ToDictionary(g => g.Key, g => Median(g.Select(s => s.RequestsPerSecond)));

    public double MedianEngineRequestsPerSecond => Median(Rounds.Select(r => r.Engine.RequestsPerSecond));

    public double MedianRatio => Math.Round(Median(Rounds.Select(r => r.Ratio)), 3);

    public bool Passed => MedianRatio >= MinRatio;

    /// <summary>
    /// The share of the machine's CPU that neither the client nor the server used during the measured runs: other
    /// processes. Above a few percent the rounds disagree, and only their median means much.
    /// </summary>
    public double OtherCpuShare
    {
        get
        {
            var samples = Rounds.SelectMany(r => r.Wrk.Append(r.Engine)).ToList();
            var capacity = samples.Sum(s => s.Seconds) * Cores;
            return capacity == 0 ? 0 : Math.Round(samples.Sum(s => s.OtherCpuSeconds) / capacity, 3);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
