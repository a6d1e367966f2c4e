using System.Collections.Immutable;
using System.Globalization;
using Harness.Domain.Errors;
using Harness.Domain.Net;

namespace Harness.Ec2.Protocol;

/// <summary>
/// The flattened Query parameters of a request, seen from a prefix: <c>Filter.1.</c> sees <c>Name</c> and
/// <c>Value.N</c>. Lists are 1-based and may be sparse; they come back in index order.
/// </summary>
internal sealed class QueryParameters(IReadOnlyDictionary<string, string> values, string prefix = "")
{
    /// <summary>The request's parameters in a canonical order, for ClientToken fingerprints.</summary>
    public string Fingerprint(params string[] excluded) => string.Join('&', values
        .Where(kv => !excluded.Contains(kv.Key) && !kv.Key.StartsWith("X-Amz-", StringComparison.Ordinal))
        .OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => kv.Key + "=" + kv.Value));

    public string? Get(string name) => values.TryGetValue(prefix + name, out var value) ? value : null;

    public bool Has(string name) => values.ContainsKey(prefix + name) || values.Keys.Any(k => k.StartsWith(prefix + name + ".", StringComparison.Ordinal));

    public string Require(string name) =>
        Get(name) is { Length: > 0 } value ? value : throw Ec2Errors.MissingParameter(name);

    public int? GetInt(string name)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Ec2Errors.InvalidValue(name, text);
    }

    public bool? GetBool(string name) => Get(name) switch
    {
        null => null,
        var t when t.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var t when t.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var t => throw Ec2Errors.InvalidValue(name, t),
    };

    /// <summary>A list of scalars: <c>Name.1</c>, <c>Name.2</c>, …</summary>
    public List<string> GetList(string name) => Indexes(name).Select(i => values[$"{prefix}{name}.{i}"]).ToList();

    /// <summary>A list of structures: <c>Name.1.Field</c>, … each seen through its own prefix.</summary>
    public List<QueryParameters> GetStructs(string name) =>
        Indexes(name, structured: true).Select(i => new QueryParameters(values, $"{prefix}{name}.{i}.")).ToList();

    public uint? GetIpv4(string name, string wireName)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        return Ipv4.TryParse(text, out var address) ? address : throw InvalidAddress(wireName, text);
    }

    public ImmutableArray<uint> GetIpv4List(string name, string wireName) =>
        [.. GetList(name).Select(t => Ipv4.TryParse(t, out var a) ? a : throw InvalidAddress(wireName, t))];

    private static Ec2Exception InvalidAddress(string wireName, string text) =>
        Ec2Errors.InvalidParameterValue($"Value ({text}) for parameter {wireName} is invalid. Invalid IPv4 address.");

    private IEnumerable<int> Indexes(string name, bool structured = false)
    {
        var start = prefix + name + ".";
        var found = new SortedSet<int>();
        foreach (var key in values.Keys)
        {
            if (!key.StartsWith(start, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key.AsSpan(start.Length);
            var dot = rest.IndexOf('.');
            if ((dot >= 0) != structured)
            {
                continue;
            }

            if (int.TryParse(dot >= 0 ? rest[..dot] : rest, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                found.Add(index);
            }
        }

        return found;
    }
}
