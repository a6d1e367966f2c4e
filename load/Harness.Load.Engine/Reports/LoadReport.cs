namespace Harness.Load.Reports;

/// <summary>
/// Everything a load run's reports show, in plain records: the console table, Markdown, HTML, CSV and JSON are all
/// written from this and nothing else. Times are milliseconds unless a name says otherwise.
/// </summary>
public sealed record LoadReport(
    string Title,
    string Command,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    string Target,
    int Seed,
    IReadOnlyList<ScenarioReport> Scenarios,
    ConvergenceReport? Convergence,
    IReadOnlyList<string> Notes)
{
    /// <summary>What the run's verdict rests on, first in every report: what ran, whether it kept up, what convergence looked like.</summary>
    public IReadOnlyList<string> Headline { get; init; } = [];

    /// <summary>Reasons not to trust the figures below, shown at the top (e.g. too few clean convergence samples).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Seconds spent before the run: setting the delay model, building the fleet, waiting for its metadata.</summary>
    public double SetUpSeconds { get; init; }
}

/// <param name="Simulations">The phases as spec text, e.g. <c>inject(rate=2000,during=60s)</c>.</param>
/// <param name="Dropped">Copies the open model could not start because too many were in flight.</param>
public sealed record ScenarioReport(
    string Name,
    IReadOnlyList<string> Simulations,
    double WarmUpSeconds,
    long Copies,
    long Dropped,
    IReadOnlyList<StepReport> Steps);

/// <param name="FailuresByCode">Failed calls by code (EC2 error code, HTTP status, exception type), most frequent first.</param>
/// <param name="Timeline">One point per time slot of the measured run.</param>
/// <param name="Distribution">The latency histogram's non-empty buckets, for the distribution chart.</param>
public sealed record StepReport(
    string Name,
    long Count,
    long Ok,
    long Failed,
    IReadOnlyList<CodeCount> FailuresByCode,
    double RequestsPerSecond,
    LatencySummary Latency,
    IReadOnlyList<TimePoint> Timeline,
    IReadOnlyList<DistributionBucket> Distribution);

public sealed record CodeCount(string Code, long Count);

public sealed record LatencySummary(double MinMs, double MeanMs, double P50Ms, double P75Ms, double P95Ms, double P99Ms, double MaxMs);

/// <param name="AtSeconds">The end of the slot, from the start of the measured run.</param>
public sealed record TimePoint(double AtSeconds, long Ok, long Failed, double RequestsPerSecond, double P50Ms, double P99Ms);

public sealed record DistributionBucket(double FromMs, double ToMs, long Count);

/// <summary>
/// Time-to-convergence: from the EC2 API's reply to a change until the first metadata read begun after it that shows
/// the change, measured by pollers on the changed instances, beside the delay model the harness was configured with.
/// </summary>
/// <param name="Model">The configured delay model's spec text, or null when it could not be read.</param>
/// <param name="PollIntervalMs">How often each poller read; the observed times include up to one interval of waiting.</param>
/// <param name="Changes">Changes made while measuring.</param>
/// <param name="Converged">Changes a poller saw.</param>
/// <param name="Superseded">Changes undone or moved by a later change to the same address before any read showed them.</param>
/// <param name="Unconverged">Changes no read had shown when the run ended.</param>
/// <param name="Overlapped">Converged changes that shared their interface with another change in flight (their times are not a clean sample of the model).</param>
/// <param name="Observed">The observed times' summary.</param>
/// <param name="Configured">The model's own quantiles, when it has closed forms (null otherwise).</param>
/// <param name="KsDistance">Kolmogorov–Smirnov distance between the observed times of the changes that had their instance to
/// themselves and the model convolved with the wait for the next poll (uniform over one interval): null when the model has no
/// CDF or fewer than 30 changes were clean.</param>
/// <param name="ObservedCdf">The observed CDF of the clean samples as a staircase from the origin, for the chart.</param>
/// <param name="ConfiguredCdf">The model's CDF with the wait for the next poll, evenly spaced from 0 past the model's p99 and
/// the slowest clean sample, the range the observed line also ends at (empty without a CDF).</param>
/// <param name="Ambiguous">Changes not measured because their interface's last read already showed what they wanted.</param>
/// <param name="Lateness">The harness's own error: for each private-address change it applied during the run, when it
/// was seen less when it was due (from <c>GET /_harness/events</c>); null when the target keeps no timeline.</param>
/// <param name="Clean">Converged changes that had their interface to themselves: the samples the KS distance and the CDF are taken over.</param>
public sealed record ConvergenceReport(
    string? Model,
    double PollIntervalMs,
    long Changes,
    long Converged,
    long Superseded,
    long Unconverged,
    long Overlapped,
    LatencySummary Observed,
    LatencySummary? Configured,
    double? KsDistance,
    IReadOnlyList<DistributionBucket> Distribution,
    IReadOnlyList<CdfPoint> ObservedCdf,
    IReadOnlyList<CdfPoint> ConfiguredCdf,
    LatencySummary? Lateness = null,
    long Ambiguous = 0,
    long Clean = 0);

public sealed record CdfPoint(double Ms, double P);
