namespace Harness.ControlPlane.Regions;

/// <summary>Grain keys are <c>region/resource-id</c>: one grain per resource per region.</summary>
public static class GrainKeys
{
    public static string For(string region, string id) => string.Concat(region, "/", id);

    public static (string Region, string Id) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
