namespace Harness.Domain.Clouds;

/// <summary>
/// Alibaba Cloud's public regions the harness serves, the code their resource ids start with and their zones.
/// Region codes are what real ids show (ALIBABA.md §5: <c>bp</c> cn-hangzhou, <c>2ze</c> cn-beijing, <c>uf6</c>
/// cn-shanghai, <c>wz9</c> cn-shenzhen, <c>t4n</c> ap-southeast-1); the rest, and the zone letters, are chosen (a
/// subset of each region's real zones where known) and easy to change here.
/// </summary>
public static class AlibabaRegions
{
    private static readonly Dictionary<string, (string Code, string Zones)> Known = new(StringComparer.Ordinal)
    {
        ["cn-hangzhou"] = ("bp", "hijk"),
        ["cn-beijing"] = ("2ze", "fgh"),
        ["cn-shanghai"] = ("uf6", "efg"),
        ["cn-shenzhen"] = ("wz9", "def"),
        ["cn-qingdao"] = ("m5e", "bc"),
        ["cn-zhangjiakou"] = ("8vb", "abc"),
        ["cn-huhehaote"] = ("hp3", "ab"),
        ["cn-chengdu"] = ("2vc", "ab"),
        ["cn-hongkong"] = ("j6c", "bcd"),
        ["ap-southeast-1"] = ("t4n", "abc"),
        ["ap-northeast-1"] = ("6we", "abc"),
        ["ap-southeast-3"] = ("8ps", "ab"),
        ["ap-southeast-5"] = ("k1a", "ab"),
        ["us-west-1"] = ("rj9", "ab"),
        ["us-east-1"] = ("0xi", "ab"),
        ["eu-central-1"] = ("gw8", "ab"),
        ["eu-west-1"] = ("d7o", "ab"),
        ["me-east-1"] = ("eb3", "a"),
    };

    /// <summary>The region ids, in DescribeRegions order.</summary>
    public static IReadOnlyCollection<string> All => Known.Keys;

    public static bool IsKnown(string regionId) => Known.ContainsKey(regionId);

    public static string CodeOf(string regionId) => Known.TryGetValue(regionId, out var known) ? known.Code : "xx";

    public static IEnumerable<char> ZoneLetters(string regionId) => Known.TryGetValue(regionId, out var known) ? known.Zones : "ab";
}
