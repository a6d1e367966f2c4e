using System.Collections.Concurrent;

namespace Harness.ControlPlane.Regions;

/// <summary>
/// Every region's read side, in the current world. Regions appear on first use. A reset starts a new world (the
/// next generation): readers see empty regions at once, and grains of the old world write only into states no
/// reader sees any more.
/// </summary>
public sealed class RegionDirectory
{
    private World world = new(1);

    /// <summary>The regions EC2 lists in DescribeRegions (a commercial-partition subset).</summary>
    public static IReadOnlyList<string> KnownRegions { get; } =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
        "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2",
    ];

    public long Generation => Volatile.Read(ref world).Generation;

    public RegionState Get(string region) => Volatile.Read(ref world).Get(region);

    /// <summary>
    /// A grain's region: the current one when the grain belongs to the current world, otherwise a state of its own
    /// that nothing reads, so a grain still busy from before a reset cannot publish into the new world. A grain of a newer
    /// world than this directory's (a process that joined a cluster after a reset, before it heard the cluster's
    /// number) moves the directory on to that world: nothing else has a newer one.
    /// </summary>
    public RegionState Get(long generation, string region)
    {
        if (generation > Volatile.Read(ref world).Generation)
        {
            StartWorld(generation);
        }

        var current = Volatile.Read(ref world);
        return current.Generation == generation ? current.Get(region) : new RegionState(region, generation);
    }

    public IEnumerable<RegionState> All => Volatile.Read(ref world).Regions.Values;

    /// <summary>Starts the next world: every region is empty and grain keys change generation.</summary>
    public void Clear()
    {
        var current = Volatile.Read(ref world);
        while (Interlocked.CompareExchange(ref world, new World(current.Generation + 1), current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    /// <summary>
    /// Starts world <paramref name="generation"/> if this directory is behind it: a cluster's reset gives every process the
    /// same number, and a process that joins takes the cluster's. Nothing when it is there already.
    /// </summary>
    public void StartWorld(long generation)
    {
        var current = Volatile.Read(ref world);
        while (current.Generation < generation && Interlocked.CompareExchange(ref world, new World(generation), current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private sealed class World(long generation)
    {
        public long Generation { get; } = generation;

        public ConcurrentDictionary<string, RegionState> Regions { get; } = new(StringComparer.Ordinal);

        public RegionState Get(string region) => Regions.GetOrAdd(region, static (r, g) => new RegionState(r, g), Generation);
    }
}
