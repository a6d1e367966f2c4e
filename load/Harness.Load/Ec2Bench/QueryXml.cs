namespace Harness.Load.Ec2Bench;

/// <summary>
/// String-search extraction of the few values the benchmark needs. EC2 replies are flat, machine-written XML; a full
/// parse per request would cost more than the server under test.
/// </summary>
internal static class QueryXml
{
    public static string? First(string xml, string tag) => Workloads.Ec2Api.First(xml, tag);

    public static string Require(string xml, string tag) =>
        First(xml, tag) ?? throw new InvalidOperationException($"<{tag}> missing in response: {xml}");

    /// <summary>Values of &lt;tag&gt; between <paramref name="from"/> and <paramref name="to"/> (the end when negative), in order.</summary>
    public static List<string> All(string xml, string tag, int from = 0, int to = -1)
    {
        var values = new List<string>(4);
        var open = "<" + tag + ">";
        var close = "</" + tag + ">";
        var limit = to < 0 ? xml.Length : to;
        var at = from;
        while (true)
        {
            var start = xml.IndexOf(open, at, StringComparison.Ordinal);
            if (start < 0 || start >= limit)
            {
                return values;
            }

            start += open.Length;
            var end = xml.IndexOf(close, start, StringComparison.Ordinal);
            if (end < 0)
            {
                return values;
            }

            values.Add(xml[start..end]);
            at = end + close.Length;
        }
    }

    /// <summary>Values of &lt;tag&gt; inside the first &lt;container&gt;...&lt;/container&gt; block.</summary>
    public static List<string> AllWithin(string xml, string container, string tag)
    {
        var start = xml.IndexOf("<" + container + ">", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        var end = xml.IndexOf("</" + container + ">", start, StringComparison.Ordinal);
        return All(xml, tag, start, end);
    }
}
