namespace Harness.Domain.Clouds;

/// <summary>
/// Alibaba Cloud's public regions the harness serves, the code their resource ids start with and their zones.
/// Region codes are what real ids show (ALIBABA.md §5: <c>bp</c> cn-hangzhou, <c>2ze</c> cn-beijing, <c>uf6</c>
/// cn-shanghai, <c>wz9</c> cn-shenzhen, <c>t4n</c> ap-southeast-1); the rest, and the zone letters, are chosen (a
/// subset of each region's real zones where known) and easy to change here. Names are Alibaba's English ones
/// (DescribeRegions' <c>LocalName</c> with <c>AcceptLanguage=en-US</c>).
/// </summary>
public static class AlibabaRegions
{
    private static readonly Dictionary<string, (string Code, string Zones, string Name)> Known = new(StringComparer.Ordinal)
    {
        ["cn-hangzhou"] = ("bp", "hijk", "China (Hangzhou)"),
        ["cn-beijing"] = ("2ze", "fgh", "China (Beijing)"),
        ["cn-shanghai"] = ("uf6", "efg", "China (Shanghai)"),
        ["cn-shenzhen"] = ("wz9", "def", "China (Shenzhen)"),
        ["cn-qingdao"] = ("m5e", "bc", "China (Qingdao)"),
        ["cn-zhangjiakou"] = ("8vb", "abc", "China (Zhangjiakou)"),
        ["cn-huhehaote"] = ("hp3", "ab", "China (Hohhot)"),
        ["cn-chengdu"] = ("2vc", "ab", "China (Chengdu)"),
        ["cn-hongkong"] = ("j6c", "bcd", "China (Hong Kong)"),
        ["ap-southeast-1"] = ("t4n", "abc", "Singapore"),
        ["ap-northeast-1"] = ("6we", "abc", "Japan (Tokyo)"),
        ["ap-southeast-3"] = ("8ps", "ab", "Malaysia (Kuala Lumpur)"),
        ["ap-southeast-5"] = ("k1a", "ab", "Indonesia (Jakarta)"),
        ["us-west-1"] = ("rj9", "ab", "US (Silicon Valley)"),
        ["us-east-1"] = ("0xi", "ab", "US (Virginia)"),
        ["eu-central-1"] = ("gw8", "ab", "Germany (Frankfurt)"),
        ["eu-west-1"] = ("d7o", "ab", "UK (London)"),
        ["me-east-1"] = ("eb3", "a", "UAE (Dubai)"),
    };

    /// <summary>The region ids, in DescribeRegions order.</summary>
    public static IReadOnlyCollection<string> All => Known.Keys;

    public static bool IsKnown(string regionId) => Known.ContainsKey(regionId);

    public static string CodeOf(string regionId) => Known.TryGetValue(regionId, out var known) ? known.Code : "xx";

    public static IEnumerable<char> ZoneLetters(string regionId) => Known.TryGetValue(regionId, out var known) ? known.Zones : "ab";

    /// <summary>The region's English name: <c>China (Hangzhou)</c>.</summary>
    public static string NameOf(string regionId) => Known.TryGetValue(regionId, out var known) ? known.Name : regionId;

    /// <summary>
    /// A zone's English name, the region's city, "Zone" and the zone's letter: <c>Hangzhou Zone H</c> for
    /// <c>cn-hangzhou-h</c> (the city is the part of the region's name in brackets, or the whole name).
    /// </summary>
    public static string ZoneNameOf(string zoneId)
    {
        var dash = zoneId.LastIndexOf('-');
        var name = NameOf(zoneId[..Math.Max(dash, 0)]);
        var open = name.IndexOf('(', StringComparison.Ordinal);
        var city = open < 0 ? name : name[(open + 1)..name.IndexOf(')', StringComparison.Ordinal)];
        return $"{city} Zone {char.ToUpperInvariant(zoneId[^1])}";
    }
}
