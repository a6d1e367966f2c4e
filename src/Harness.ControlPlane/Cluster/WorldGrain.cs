using System.Collections.Immutable;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// The cluster's record of its processes and their shared start settings, in memory: if its silo dies, the survivors
/// join again when membership changes (<see cref="ClusterMembers"/>) and the record is whole again.
/// </summary>
internal sealed class WorldGrain(IClusterMembershipService membership) : Grain, IWorldGrain
{
    private readonly Dictionary<string, ProcessRecord> processes = new(StringComparer.Ordinal);
    private StartSettings? settings;
    private string? settingsFrom;

    public Task<JoinAnswer> JoinAsync(ProcessRecord process, StartSettings start)
    {
        ForgetDeparted();
        var others = processes.Values.Where(p => p.Silo != process.Silo).ToList();
        if (others.Count == 0)
        {
            // The first process, or the only one left: its settings are the cluster's from now on.
            settings = start;
            settingsFrom = process.Ec2Endpoint;
        }
        else if (start.Difference(settings!) is { } difference)
        {
            return Task.FromResult(new JoinAnswer($"{difference} (set by the process at {settingsFrom}): start every process of a cluster with the same settings"));
        }

        processes[process.Silo] = process;
        return Task.FromResult(new JoinAnswer(null));
    }

    public Task<ImmutableArray<ProcessRecord>> ProcessesAsync()
    {
        ForgetDeparted();
        return Task.FromResult(processes.Values.OrderBy(p => p.Silo, StringComparer.Ordinal).ToImmutableArray());
    }

    /// <summary>Drops processes whose silo membership has declared dead or that are leaving; silos it does not know yet stay.</summary>
    private void ForgetDeparted()
    {
        var members = membership.CurrentSnapshot.Members;
        foreach (var silo in processes.Keys.ToList())
        {
            if (members.TryGetValue(SiloAddress.FromParsableString(silo), out var member) && member.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead)
            {
                processes.Remove(silo);
            }
        }
    }
}
