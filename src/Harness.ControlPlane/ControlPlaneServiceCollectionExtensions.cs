using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.ControlPlane.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddSingleton<ClusterClients>();
        services.AddSingleton<VcpuLedger>();
        services.TryAddSingleton<IVcpuQuota, LocalVcpuQuota>();
        services.TryAddSingleton<IClientTokens, LocalClientTokens>();
        services.AddSingleton<TerminatedInstances>();
        services.AddSingleton<WorldGate>();

        // Alone unless the silo is set up for a cluster (HarnessSilo.UseHarnessSilo registers the mode it runs in).
        services.TryAddSingleton(new ClusterMode("local", Redis: null));
        services.AddSingleton<ClusterReplicas>();
        services.AddSingleton<ClusterMembers>();
        services.AddSingleton<GrainRecords>();
        services.AddSingleton<Grains.GrainCallCounts>();
        services.AddSingleton<ClusterSecret>();
        return services;
    }
}
