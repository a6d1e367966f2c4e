namespace Harness.ControlPlane.Regions;

/// <summary>
/// Grain keys are <c>generation/region/resource-id</c>, and <c>generation/region</c> for the region's own grain: one
/// grain per resource per region per world. A reset starts a new generation, so no call made after it can reach a
/// grain of the world before it, whatever that grain is still doing.
/// </summary>
public static class GrainKeys
{
    public static string For(RegionState region, string id) => string.Concat(region.Key, "/", id);

    public static string Of(RegionState region) => region.Key;

    public static GrainKey Split(string key)
    {
        var first = key.IndexOf('/', StringComparison.Ordinal);
        var generation = long.Parse(key.AsSpan(0, first), System.Globalization.CultureInfo.InvariantCulture);
        var second = key.IndexOf('/', first + 1);
        return second < 0
            ? new GrainKey(generation, key[(first + 1)..], "")
            : new GrainKey(generation, key[(first + 1)..second], key[(second + 1)..]);
    }
}

/// <summary>A grain key taken apart: the world it belongs to, its region and its resource id (empty for a region grain).</summary>
public readonly record struct GrainKey(long Generation, string Region, string Id);
