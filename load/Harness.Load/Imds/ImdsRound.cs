namespace Harness.Load.Imds;

/// <summary>One wrk run of the IMDS benchmark against one server ("harness" or "bare").</summary>
internal sealed record ImdsRound(string Server, CalibrationSample Run);
