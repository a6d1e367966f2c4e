namespace Harness.Load.Scheduler;

/// <summary>Collections of each generation and the pause time they added, over one phase.</summary>
internal sealed record GcDelta(int Gen0, int Gen1, int Gen2, double PauseMs);
