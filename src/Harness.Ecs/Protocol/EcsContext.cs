using System.Text.Json.Nodes;
using Harness.ControlPlane;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Regions;
using Harness.Domain.Clouds;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ecs.Protocol;

/// <summary>Everything an action handler needs for one request; handlers fill <see cref="Body"/>.</summary>
internal sealed class EcsContext(
    string action, string requestId, RpcParameters parameters, RegionDirectory regions, IGrainFactory grains, TimeProvider time, HarnessOptions options,
    IServiceProvider services)
{
    private RegionState? region;

    public string Action { get; } = action;

    public RpcParameters Parameters { get; } = parameters;

    public IGrainFactory Grains { get; } = grains;

    public TimeProvider Time { get; } = time;

    public HarnessOptions Options { get; } = options;

    /// <summary>The reply, <c>RequestId</c> first.</summary>
    public JsonObject Body { get; } = new() { ["RequestId"] = requestId };

    /// <summary>The request's region (<c>RegionId</c>, required by every action served): its read model, keyed apart from EC2's.</summary>
    public RegionState Region => region ??= regions.Get(CloudRegions.Qualify(Cloud.Alibaba, RegionId()));

    /// <summary>What Alibaba still shows in a transitional state.</summary>
    public Transitions Transitions => services.GetRequiredService<Transitions>();

    /// <summary>Where ClientTokens are remembered: this process alone, or the cluster.</summary>
    public IClientTokens ClientTokens => services.GetRequiredService<IClientTokens>();

    public IRegionGrain RegionGrain => Grains.Get<IRegionGrain>(GrainKeys.Of(Region));

    public T Grain<T>(string id)
        where T : IGrainWithStringKey => Grains.Get<T>(GrainKeys.For(Region, id));

    /// <summary>
    /// For actions without <c>RegionId</c>: the Alibaba region whose read model holds <paramref name="instanceId"/>, unless
    /// an earlier lookup of this request settled the region (a request works in one region).
    /// </summary>
    public void UseRegionOf(string instanceId) =>
        region ??= regions.All.FirstOrDefault(r => r.Cloud == Cloud.Alibaba && r.Instances.ContainsKey(instanceId)) ?? throw AlibabaErrors.InstanceNotFound(instanceId);

    /// <summary>For EIP actions without <c>RegionId</c>: the Alibaba region that allocated <paramref name="allocationId"/>.</summary>
    public void UseRegionOfAddress(string allocationId) =>
        region ??= regions.All.FirstOrDefault(r => r.Cloud == Cloud.Alibaba && r.Addresses.ContainsKey(allocationId))
            ?? throw AlibabaErrors.AllocationNotFound(allocationId);

    private string RegionId()
    {
        var id = Parameters.Require("RegionId");
        return AlibabaRegions.IsKnown(id) ? id : throw new AlibabaException("Forbidden.RegionId", $"The service is unavailable in the region \"{id}\".");
    }
}
