namespace Harness.Scenarios.Reports;

/// <summary>A fault as a report draws it: when it was in force, what it was, and how much it touched.</summary>
/// <param name="End">When it was cleared or expired; null when it outlived the report.</param>
public sealed record FaultWindow(string Name, string Kind, string Spec, double Start, double? End, string? Ending, int Touched)
{
    /// <summary>The windows of the faults in <paramref name="report"/>, in the order they were added.</summary>
    public static IReadOnlyList<FaultWindow> Of(RunReport report) =>
    [
        .. report.Faults.Where(f => f.Event == "added").Select(added =>
        {
            var ended = report.Faults.FirstOrDefault(f => f.FaultId == added.FaultId && f.Sequence > added.Sequence && f.Event is "cleared" or "expired");
            var touched = report.Faults.Count(f => f.FaultId == added.FaultId && f.Event == "touched" && f.Sequence > added.Sequence
                && (ended is null || f.Sequence < ended.Sequence));
            return new FaultWindow(added.Fault, added.Kind, added.Detail ?? added.Kind, added.At, ended?.At, ended?.Event, touched);
        }),
    ];
}
