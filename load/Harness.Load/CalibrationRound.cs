namespace Harness.Load;

/// <summary>One round: wrk once per thread count, and the engine, which is held against the best of those wrk runs.</summary>
internal sealed record CalibrationRound(int Round, IReadOnlyList<CalibrationSample> Wrk, CalibrationSample Engine)
{
    public CalibrationSample BestWrk => Wrk.MaxBy(s => s.RequestsPerSecond)!;

    /// <summary>Engine ÷ the best wrk run of this round.</summary>
    public double Ratio => RatioTo(BestWrk);

    public double RatioTo(CalibrationSample wrk) => wrk.RequestsPerSecond == 0 ? 0 : Math.Round(Engine.RequestsPerSecond / wrk.RequestsPerSecond, 3);
}
