using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// A grain that publishes views into the read model. Alone, a view is written into this process's read model and that
/// is all. In a cluster the turn's changes are also kept, and <see cref="ReplicaFlushFilter"/> sends them to the other
/// processes before the grain replies or calls another grain.
/// </summary>
internal abstract class PublishingGrain : Grain
{
    private ClusterReplicas? replicas;
    private List<ReadModelChange>? unsent;

    private ClusterReplicas Replicas => replicas ??= ServiceProvider.GetRequiredService<ClusterReplicas>();

    /// <summary>Sets (a view) or removes (null) one entry of the region's read model.</summary>
    protected void SetEntry(RegionState state, ReadModelTable table, string key, object? value)
    {
        state.Apply(table, key, value);
        if (Replicas.IsCluster)
        {
            (unsent ??= []).Add(new ReadModelChange(state.Generation, state.Name, table, key, value));
        }
    }

    /// <summary>In a cluster, tells the other processes' metadata that this instance detaches an interface by force (or not after all).</summary>
    protected void NoteForcedDetach(RegionState state, string instanceId, string networkInterfaceId, bool expected)
    {
        if (Replicas.IsCluster)
        {
            (unsent ??= []).Add(new ReadModelChange(state.Generation, state.Name, ReadModelTable.ForcedDetaches, $"{instanceId}/{networkInterfaceId}", expected));
        }
    }

    /// <summary>Sends what this turn published and not yet sent to the cluster's other processes; nothing with one silo.</summary>
    internal Task SendUnsentAsync()
    {
        if (unsent is not { Count: > 0 } changes)
        {
            return Task.CompletedTask;
        }

        unsent = null;
        return Replicas.SendAsync([.. changes]);
    }
}

/// <summary>
/// In a cluster, sends a publishing grain's changes before its reply leaves and before it calls another grain, so that
/// whoever sees the result (the caller, or the grain called) can read it on any process.
/// </summary>
internal sealed class ReplicaFlushFilter : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (context.TargetContext.GrainInstance is PublishingGrain grain)
            {
                await grain.SendUnsentAsync();
            }
        }
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceContext?.GrainInstance is PublishingGrain grain)
        {
            await grain.SendUnsentAsync();
        }

        await context.Invoke();
    }
}
