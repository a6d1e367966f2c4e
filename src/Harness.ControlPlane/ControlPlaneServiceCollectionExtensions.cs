using Harness.ControlPlane.Abstractions;
using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Grains;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.ControlPlane;

public static class ControlPlaneServiceCollectionExtensions
{
    /// <summary>Adds the grains, the grain runtime and the per-region read side.</summary>
    public static IServiceCollection AddControlPlane(this IServiceCollection services, HarnessOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<RegionDirectory>();
        services.AddSingleton<ControlPlaneReset>();
        services.AddSingleton<FaultBook>();
        services.AddSingleton<ReadLag>();
        services.AddSingleton<MetadataPropagation>();
        services.AddSingleton<ClientTaps>();
        services.AddSingleton<VcpuLedger>();
        services.AddSingleton<TerminatedInstances>();
        return services.AddGrainRuntime(grains => grains
            .Add<IRegionGrain, RegionGrain>()
            .Add<ISubnetGrain, SubnetGrain>()
            .Add<INetworkInterfaceGrain, NetworkInterfaceGrain>()
            .Add<IInstanceGrain, InstanceGrain>());
    }
}
