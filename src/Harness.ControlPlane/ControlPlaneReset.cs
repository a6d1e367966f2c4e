using Harness.ControlPlane.Metadata;
using Harness.ControlPlane.Regions;
using Harness.Runtime;

namespace Harness.ControlPlane;

/// <summary>Empties every region: drops all grain activations, the published views and every instance's metadata.</summary>
public sealed class ControlPlaneReset(GrainRuntime runtime, RegionDirectory regions, MetadataPropagation propagation)
{
    public void Reset()
    {
        runtime.DeactivateAll();
        regions.Clear();
        propagation.Reset();
    }
}
