using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Cluster;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;

namespace Harness.ControlPlane;

/// <summary>
/// Empties every region: starts a new world (grain keys change generation, so no call reaches an old grain), drops the
/// old world's grain activations, the published views, every instance's metadata, the registered clients, the faults
/// added since start, the vCPUs instances held and the terminated instances waiting to be forgotten. It runs with no EC2
/// request in flight (<see cref="WorldGate"/>).
/// </summary>
public sealed class ControlPlaneReset(
    IGrainFactory grains, WorldGate gate, RegionDirectory regions, MetadataPropagation propagation, ClientTaps taps, FaultBook faults,
    ReadLag lag, VcpuLedger vcpus, TerminatedInstances terminated, ClusterMode mode)
{
    /// <summary>
    /// Alone: closes this process's gate, empties its world and opens it. In a cluster the world grain does it for every
    /// process: every gate closed first, then every world emptied, then every gate opened (<see cref="IWorldGrain.ResetAsync"/>).
    /// </summary>
    public Task<bool> ResetAsync() => mode.IsCluster
        ? grains.GetGrain<IWorldGrain>(IWorldGrain.Key).ResetAsync()
        : gate.ResetAsync(
            async () =>
            {
                ClearWorld(regions.Generation + 1);

                // The old world's grains are unreachable from here on; collecting them gives their memory back.
                await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            });

    /// <summary>Empties this process's world and starts world <paramref name="generation"/>, with the gate already closed.</summary>
    internal void ClearWorld(long generation)
    {
        regions.Clear();
        regions.StartWorld(generation);
        faults.Reset();
        lag.Reset();
        propagation.Reset();
        propagation.AdoptGeneration(generation - 1);
        taps.Reset();
        vcpus.Reset();
        terminated.Reset();
    }
}
