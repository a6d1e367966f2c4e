namespace Harness.ControlPlane.Regions;

/// <summary>
/// Grain references by key without Orleans' per-call type lookup: <c>GetGrain&lt;T&gt;(string)</c> finds T's grain
/// type through attribute reflection on every call, which was 6 % of the server's CPU on the write path. The first
/// reference to each interface is made the usual way; its grain type and interface type are kept and every later one
/// is made from them. Both follow from the interface and its grain class alone, so they hold for every silo in the process.
/// </summary>
public static class GrainRefs
{
    public static T Get<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        if (Types<T>.Resolved is not { } types)
        {
            var first = (GrainReference)(object)grains.GetGrain<T>(key);
            Types<T>.Resolved = new GrainTypes(first.GrainId.Type, first.InterfaceType);
            return (T)(object)first;
        }

        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    // A class, so that a thread reading it while another sets it sees all of it or none of it.
    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);

    private static class Types<T>
    {
        public static GrainTypes? Resolved;
    }
}
