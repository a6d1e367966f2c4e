using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.ReadModel;
using Harness.ControlPlane.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.ControlPlane.Grains;

/// <summary>
/// A grain that publishes views into the read model. Alone, a view is written into this process's read model and that
/// is all. In a cluster the turn's changes are also kept, and <see cref="ReplicaFlushFilter"/> sends them to the other
/// processes before the grain replies or calls another grain. With <c>--state</c>, the grain's state is written to Redis
/// first (<typeparamref name="TState"/>, <see cref="GrainRecords"/>), and a grain that activates again after its process
/// died reads it back and publishes its views again to every process.
/// </summary>
internal abstract class PublishingGrain<TState> : PublishingGrain
    where TState : class
{
    private GrainRecord<TState>? record;

    /// <summary>What to keep of this grain; a deleted resource keeps a record that says so, to republish its delete.</summary>
    protected abstract TState Save();

    /// <summary>Takes a record back and says which read-model entries the grain publishes with it.</summary>
    protected abstract IEnumerable<(RegionState State, ReadModelTable Table, string Key, object? Value)> Restore(TState saved);

    /// <summary>Reads the grain's record, if state is kept, and publishes what it says: call at the end of activation.</summary>
    protected Task RestoreAsync()
    {
        // State in memory (always, for a harness alone): no record, and activation stays synchronous.
        record = ServiceProvider.GetRequiredService<GrainRecords>().For<TState>(this);
        return record is null ? Task.CompletedTask : ReadAsync(record);
    }

    private async Task ReadAsync(GrainRecord<TState> from)
    {
        if (await from.ReadAsync() is { } saved)
        {
            var entries = Restore(saved).Select(e => new ReadModelChange(e.State.Generation, e.State.Name, e.Table, e.Key, e.Value));
            await Replicas.RepublishAsync([.. entries]);
        }
    }

    private protected override async Task WriteAsync()
    {
        if (record is null)
        {
            return;
        }

        try
        {
            await record.WriteAsync(Save());
        }
        catch
        {
            // The write's outcome is unknown (Orleans does not retry it): start again from what Redis holds.
            DeactivateOnIdle();
            throw;
        }
    }
}

/// <inheritdoc cref="PublishingGrain{TState}"/>
internal abstract class PublishingGrain : Grain
{
    private ClusterReplicas? replicas;
    private List<ReadModelChange>? unsent;

    /// <summary>A call came in since the grain's state was last written (with <c>--state</c>): every call writes it once.</summary>
    internal bool Unwritten { get; set; }

    private bool flushing;

    private protected ClusterReplicas Replicas => replicas ??= ServiceProvider.GetRequiredService<ClusterReplicas>();

    private protected virtual Task WriteAsync() => Task.CompletedTask;

    /// <summary>
    /// Writes the grain's state if a call came in, then sends its turn's changes: so what others see is kept first. Before
    /// the grain calls out (<paramref name="turnEnds"/> false) the call goes on and may change more, so it writes again at its end.
    /// </summary>
    internal async Task FlushAsync(bool turnEnds)
    {
        // The sends are calls out of this grain too: they must not write and send again.
        if (flushing)
        {
            return;
        }

        flushing = true;
        try
        {
            if (Unwritten)
            {
                Unwritten = !turnEnds;
                await WriteAsync();
            }

            await SendUnsentAsync();
        }
        finally
        {
            flushing = false;
        }
    }

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
/// In a cluster, writes a publishing grain's state (with <c>--state</c>) and sends its changes before its reply leaves and
/// before it calls another grain, so that whoever sees the result (the caller, or the grain called) can read it on any
/// process, and finds it again if the grain's process dies. It also counts the calls the harness's grains receive here,
/// and how many came from another process (<see cref="GrainCallCounts"/>): each call carries its caller's silo.
/// </summary>
internal sealed class ReplicaFlushFilter(ILocalSiloDetails silo, GrainCallCounts counts) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private const string CallerSilo = "harness-silo";

    private readonly string self = silo.SiloAddress.ToParsableString();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var instance = context.TargetContext.GrainInstance;
        if (instance is Grain && instance.GetType().Namespace?.StartsWith(GrainCallCounts.Namespace, StringComparison.Ordinal) == true)
        {
            counts.Count(fromOtherProcess: RequestContext.Get(CallerSilo) is string caller && caller != self);
        }

        var grain = instance as PublishingGrain;
        grain?.Unwritten = true;
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (grain is not null)
            {
                await grain.FlushAsync(turnEnds: true);
            }
        }
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceContext?.GrainInstance is PublishingGrain grain)
        {
            await grain.FlushAsync(turnEnds: false);
        }

        RequestContext.Set(CallerSilo, self);
        await context.Invoke();
    }
}

/// <summary>In a cluster: how many calls the harness's grains received on this process, and how many came from another.</summary>
public sealed class GrainCallCounts
{
    internal static readonly string Namespace = typeof(GrainCallCounts).Namespace![..^".Grains".Length];

    private long received;
    private long fromOtherProcesses;

    public long Received => Interlocked.Read(ref received);

    public long FromOtherProcesses => Interlocked.Read(ref fromOtherProcesses);

    internal void Count(bool fromOtherProcess)
    {
        Interlocked.Increment(ref received);
        if (fromOtherProcess)
        {
            Interlocked.Increment(ref fromOtherProcesses);
        }
    }
}
