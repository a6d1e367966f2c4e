using Harness.ControlPlane.Regions;
using Harness.Runtime;

namespace Harness.ControlPlane;

/// <summary>Empties every region: drops all grain activations and the published views.</summary>
public sealed class ControlPlaneReset(GrainRuntime runtime, RegionDirectory regions)
{
    public void Reset()
    {
        runtime.DeactivateAll();
        regions.Clear();
    }
}
