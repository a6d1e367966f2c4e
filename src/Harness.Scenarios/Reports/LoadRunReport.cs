using Harness.Load.Reports;

namespace Harness.Scenarios.Reports;

/// <summary>One workload of the scenario's <c>load:</c> block: when it ran beside the steps, how it ended, what it measured.</summary>
/// <param name="Line">Where the block is in the scenario file.</param>
/// <param name="Options">The block's options as written, <c>workload</c> and <c>start</c> aside.</param>
/// <param name="Start">When it was to start (its <c>start:</c>).</param>
/// <param name="Began">When it began setting up its fleet; null when it never started.</param>
/// <param name="Running">When its fleet was ready and the workload began (warm-up included); null when it never got there.</param>
/// <param name="Ended">When it had stopped; null when it never started.</param>
/// <param name="Outcome">
/// <c>completed</c> (it ran its course), <c>stopped</c> (the steps ended first, or the run stopped), <c>not started</c>,
/// or <c>failed</c> (its set-up failed, which stops the run).
/// </param>
/// <param name="Detail">Why it ended so, in a sentence.</param>
/// <param name="Directory">Its own reports' folder beside the scenario's (<c>load</c>, or <c>load-N</c> for several); null without a report.</param>
/// <param name="Report">What it measured, as <c>harness-load</c> reports it; null when it never ran.</param>
public sealed record LoadRunReport(
    int Line, string Workload, IReadOnlyDictionary<string, string> Options, double Start, double? Began, double? Running, double? Ended,
    string Outcome, string Detail, string? Directory, LoadReport? Report)
{
    public const string Completed = "completed";
    public const string Stopped = "stopped";
    public const string NotStarted = "not started";
    public const string Failed = "failed";

    /// <summary>Calls made over every step of every scenario it ran.</summary>
    public long Calls => Report?.Scenarios.Sum(s => s.Steps.Sum(t => t.Count)) ?? 0;

    /// <summary>Of <see cref="Calls"/>, those that failed.</summary>
    public long FailedCalls => Report?.Scenarios.Sum(s => s.Steps.Sum(t => t.Failed)) ?? 0;
}
