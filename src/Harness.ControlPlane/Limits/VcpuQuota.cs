using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Regions;

namespace Harness.ControlPlane.Limits;

/// <summary>
/// Where instances take and give back their vCPUs: the process's <see cref="VcpuLedger"/> when the harness runs alone,
/// one <see cref="IVcpuGrain"/> per region in a cluster, so that the quota is the cluster's and not each process's.
/// </summary>
public interface IVcpuQuota
{
    /// <inheritdoc cref="VcpuLedger.Fitting"/>
    ValueTask<int> FittingAsync(RegionState region, string instanceType, int minCount, int maxCount);

    /// <inheritdoc cref="VcpuLedger.Take"/>
    ValueTask TakeAsync(RegionState region, string instanceType);

    /// <inheritdoc cref="VcpuLedger.Release"/>
    ValueTask ReleaseAsync(RegionState region, string instanceType);
}

/// <summary>The quota of a harness alone: its ledger, with no call and no allocation.</summary>
internal sealed class LocalVcpuQuota(VcpuLedger ledger) : IVcpuQuota
{
    public ValueTask<int> FittingAsync(RegionState region, string instanceType, int minCount, int maxCount) =>
        ValueTask.FromResult(ledger.Fitting(region.Name, instanceType, minCount, maxCount));

    public ValueTask TakeAsync(RegionState region, string instanceType)
    {
        ledger.Take(region.Name, instanceType);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(RegionState region, string instanceType)
    {
        ledger.Release(region.Name, instanceType);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The quota of a cluster: the region's vCPU grain, wherever it runs.</summary>
internal sealed class ClusterVcpuQuota(IGrainFactory grains) : IVcpuQuota
{
    public async ValueTask<int> FittingAsync(RegionState region, string instanceType, int minCount, int maxCount) =>
        await Grain(region).FittingAsync(instanceType, minCount, maxCount);

    public async ValueTask TakeAsync(RegionState region, string instanceType) => await Grain(region).TakeAsync(instanceType);

    public async ValueTask ReleaseAsync(RegionState region, string instanceType) => await Grain(region).ReleaseAsync(instanceType);

    private IVcpuGrain Grain(RegionState region) => grains.GetGrain<IVcpuGrain>(GrainKeys.Of(region));
}

/// <summary>One region's vCPU quota in a cluster (key: the region's, <see cref="GrainKeys.Of"/>). It calls no grain.</summary>
public interface IVcpuGrain : IGrainWithStringKey
{
    Task<int> FittingAsync(string instanceType, int minCount, int maxCount);

    Task TakeAsync(string instanceType);

    Task ReleaseAsync(string instanceType);
}

internal sealed class VcpuGrain(HarnessOptions options, GrainRecords records) : Grain, IVcpuGrain
{
    private readonly VcpuLedger ledger = new(options);
    private string region = "";
    private GrainRecord<VcpuRecord>? record;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        region = GrainKeys.Split(this.GetPrimaryKeyString()).Region;
        record = records.For<VcpuRecord>(this);
        if (record is not null && await record.ReadAsync() is { } saved)
        {
            ledger.Restore(region, saved.Held);
        }
    }

    public Task<int> FittingAsync(string instanceType, int minCount, int maxCount) => Task.FromResult(ledger.Fitting(region, instanceType, minCount, maxCount));

    public Task TakeAsync(string instanceType)
    {
        ledger.Take(region, instanceType);
        return KeepAsync();
    }

    public Task ReleaseAsync(string instanceType)
    {
        ledger.Release(region, instanceType);
        return KeepAsync();
    }

    /// <summary>With <c>--state</c>, what the region holds is in Redis before the instance hears it took or gave back.</summary>
    private async Task KeepAsync()
    {
        if (record is null)
        {
            return;
        }

        try
        {
            await record.WriteAsync(new VcpuRecord { Held = ledger.Holdings(region) });
        }
        catch
        {
            // Unknown whether it was kept: start again from what Redis holds.
            DeactivateOnIdle();
            throw;
        }
    }
}

/// <summary>A region's vCPU holdings by bucket, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class VcpuRecord
{
    [Id(0)] public Dictionary<string, long> Held { get; init; } = [];
}
