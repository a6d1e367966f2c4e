using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Runtime;

namespace Harness.ControlPlane;

/// <summary>Empties every region: drops all grain activations, the published views, every instance's metadata, the registered clients and the faults added since start.</summary>
public sealed class ControlPlaneReset(GrainRuntime runtime, RegionDirectory regions, MetadataPropagation propagation, ClientTaps taps, FaultBook faults, ReadLag lag)
{
    public void Reset()
    {
        runtime.DeactivateAll();
        regions.Clear();
        faults.Reset();
        lag.Reset();
        propagation.Reset();
        taps.Reset();
    }
}
