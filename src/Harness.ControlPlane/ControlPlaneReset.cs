using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Lifecycle;
using Harness.ControlPlane.Limits;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Runtime;

namespace Harness.ControlPlane;

/// <summary>
/// Empties every region: drops all grain activations, the published views, every instance's metadata, the registered
/// clients, the faults added since start, the vCPUs instances held and the terminated instances waiting to be forgotten.
/// </summary>
public sealed class ControlPlaneReset(
    GrainRuntime runtime, RegionDirectory regions, MetadataPropagation propagation, ClientTaps taps, FaultBook faults, ReadLag lag,
    VcpuLedger vcpus, TerminatedInstances terminated)
{
    public void Reset()
    {
        runtime.DeactivateAll();
        regions.Clear();
        faults.Reset();
        lag.Reset();
        propagation.Reset();
        taps.Reset();
        vcpus.Reset();
        terminated.Reset();
    }
}
