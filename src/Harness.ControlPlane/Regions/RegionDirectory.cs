using System.Collections.Concurrent;

namespace Harness.ControlPlane.Regions;

/// <summary>Every region's read side. Regions appear on first use; a reset empties them all.</summary>
public sealed class RegionDirectory
{
    private readonly ConcurrentDictionary<string, RegionState> regions = new(StringComparer.Ordinal);

    /// <summary>The regions EC2 lists in DescribeRegions (a commercial-partition subset).</summary>
    public static IReadOnlyList<string> KnownRegions { get; } =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
        "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2",
    ];

    public RegionState Get(string region) => regions.GetOrAdd(region, static r => new RegionState(r));

    public IEnumerable<RegionState> All => regions.Values;

    public void Clear() => regions.Clear();
}
