using Microsoft.AspNetCore.Http;

namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// A request as a signature covers it: the method, the path and query exactly as the client sent them (before any
/// decoding), its headers and the raw body bytes.
/// </summary>
internal sealed record SignedRequest(string Method, string RawPath, string RawQuery, IHeaderDictionary Headers, byte[] Body)
{
    /// <summary>The query's parameters, decoded; later duplicates win, as in the Query API's own parsing.</summary>
    public IReadOnlyDictionary<string, string> QueryParameters { get; } = ParseQuery(RawQuery);

    private static Dictionary<string, string> ParseQuery(string rawQuery)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            values[SigV4Canonical.Decode(eq < 0 ? pair : pair[..eq])] = eq < 0 ? "" : SigV4Canonical.Decode(pair[(eq + 1)..]);
        }

        return values;
    }
}
