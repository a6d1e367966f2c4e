namespace Harness.Load.Imds;

/// <summary>What <c>harness-load imds-throughput</c> measured, and what its <c>--json</c> writes.</summary>
internal sealed record ImdsThroughputResult(
    string HarnessUrl,
    string BareUrl,
    int Threads,
    int Connections,
    double RoundSeconds,
    ReplyCheck Harness,
    ReplyCheck Bare,
    List<CalibrationSample> ClientCheck,
    List<ImdsRound> Rounds,
    double HarnessMedian,
    double BareMedian,
    double Ratio,
    double PairRatioMin,
    double PairRatioMax,
    string LoadAtStart,
    ImdsFixtureResult? Fixture);
