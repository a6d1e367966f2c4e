using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.ControlPlane;

public static class ControlPlaneServiceCollectionExtensions
{
    /// <summary>
    /// Adds the per-region read side and the services grains use. The grains themselves run on the Orleans silo the host
    /// adds with <see cref="HarnessSilo.UseHarnessSilo"/>.
    /// </summary>
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
        services.AddSingleton<WorldGate>();
        return services;
    }
}
