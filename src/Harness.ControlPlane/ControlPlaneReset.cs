using Harness.ControlPlane.Clients;
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
    ReadLag lag, VcpuLedger vcpus, TerminatedInstances terminated)
{
    public Task<bool> ResetAsync() => gate.ResetAsync(
        async () =>
        {
            regions.Clear();
            faults.Reset();
            lag.Reset();
            propagation.Reset();
            taps.Reset();
            vcpus.Reset();
            terminated.Reset();

            // The old world's grains are unreachable from here on; collecting them gives their memory back.
            await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        });
}
