using Harness.ControlPlane.Clients;
using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Runtime;

namespace Harness.ControlPlane;

/// <summary>Empties every region: drops all grain activations, the published views every instance's metadata and the registered clients.</summary>
public sealed class ControlPlaneReset(GrainRuntime runtime, RegionDirectory regions, MetadataPropagation propagation, ClientTaps taps)
{
    public void Reset()
    {
        runtime.DeactivateAll();
        regions.Clear();
        propagation.Reset();
        taps.Reset();
    }
}
