using Harness.ControlPlane;
using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Regions;
using Harness.Domain.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ec2.Protocol;

/// <summary>Everything an action handler needs for one request.</summary>
internal sealed class Ec2Context(
    string action, string requestId, RegionState region, QueryParameters parameters, IGrainFactory grains, TimeProvider time, HarnessOptions options,
    IServiceProvider services)
{
    public string Action { get; } = action;

    public string RequestId { get; } = requestId;

    public RegionState Region { get; } = region;

    public QueryParameters Parameters { get; } = parameters;

    public IGrainFactory Grains { get; } = grains;

    public TimeProvider Time { get; } = time;

    public HarnessOptions Options { get; } = options;

    /// <summary>Where ClientTokens are remembered: this process alone, or the cluster. Looked up by the few actions that take one.</summary>
    public IClientTokens ClientTokens => services.GetRequiredService<IClientTokens>();

    public XmlResponse Response => response ??= new XmlResponse(Action, RequestId);

    private XmlResponse? response;

    public bool DryRun => Parameters.GetBool("DryRun") == true;

    public IRegionGrain RegionGrain => Grains.Get<IRegionGrain>(GrainKeys.Of(Region));

    public T Grain<T>(string id)
        where T : IGrainWithStringKey => Grains.Get<T>(GrainKeys.For(Region, id));

    /// <summary>EC2 answers DryRun only once the request is known to be valid; handlers call this after validating.</summary>
    public void ThrowIfDryRun()
    {
        if (DryRun)
        {
            throw Ec2Errors.DryRun();
        }
    }

    public XmlResponse ReturnTrue() => Response.Return();
}
