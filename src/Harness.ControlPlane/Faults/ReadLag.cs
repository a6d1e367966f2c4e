using Harness.ControlPlane.Regions;

namespace Harness.ControlPlane.Faults;

/// <summary>
/// EC2's eventual consistency, as a fault: while one lags Describe* calls, every write first keeps a copy of its
/// region as it was, and a lagging read is answered from the copy taken before the first write it must not yet see.
/// Copies cost a pass over the region per write, which suits rehearsal topologies, not load runs; they are kept for
/// ten minutes, at most a thousand per region, and dropped when the last lag fault ends.
/// </summary>
public sealed class ReadLag
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);
    private const int MaxCopies = 1000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<(DateTimeOffset At, RegionState Before)>> copies = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public ReadLag(TimeProvider time, FaultBook faults)
    {
        this.time = time;
        faults.Ended += _ =>
        {
            if (!faults.Ec2.Any(f => f.Spec.Kind == Harness.Domain.Faults.FaultKinds.Ec2Lag))
            {
                Reset();
            }
        };
    }

    /// <summary>A write to <paramref name="live"/> is about to happen.</summary>
    public void BeforeWrite(RegionState live)
    {
        var now = time.GetUtcNow();
        var before = live.Snapshot();
        lock (gate)
        {
            if (!copies.TryGetValue(live.Name, out var list))
            {
                copies[live.Name] = list = [];
            }

            list.Add((now, before));
            var old = list.FindIndex(c => c.At >= now - Keep);
            list.RemoveRange(0, old < 0 ? list.Count - 1 : old);
            if (list.Count > MaxCopies)
            {
                list.RemoveRange(0, list.Count - MaxCopies);
            }
        }
    }

    /// <summary>The region as a read at <paramref name="asOf"/> would have seen it.</summary>
    public RegionState AsOf(RegionState live, DateTimeOffset asOf)
    {
        lock (gate)
        {
            if (copies.TryGetValue(live.Name, out var list))
            {
                foreach (var (at, before) in list)
                {
                    if (at > asOf)
                    {
                        return before;
                    }
                }
            }

            return live;
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            copies.Clear();
        }
    }
}
