using System.Collections.Immutable;
using System.Globalization;
using Harness.Domain.Errors;
using Harness.Domain.Net;

namespace Harness.Ec2.Protocol;

/// <summary>
/// The flattened Query parameters of a request, seen from a prefix: <c>Filter.1.</c> sees <c>Name</c> and
/// <c>Value.N</c>. Lists may be sparse and any decimal index names an element (<see cref="ListIndex"/>); they come
/// back in index order, at most <see cref="MaxListLength"/> elements each.
/// </summary>
internal sealed class QueryParameters
{
    /// <summary>
    /// The longest list any action takes. EC2 documents 1000 for CreateTags' resource ids; no action here needs more,
    /// and the bound keeps every handler's work on a 1 MiB body linear.
    /// </summary>
    public const int MaxListLength = 1000;

    private readonly IReadOnlyDictionary<string, string> values;
    private readonly string prefix;
    private readonly ListIndex lists;

    /// <summary>Indexes every list member of the request up front: two spellings of one index are refused here.</summary>
    public QueryParameters(IReadOnlyDictionary<string, string> values)
        : this(values, "", new ListIndex(values.Keys))
    {
    }

    private QueryParameters(IReadOnlyDictionary<string, string> values, string prefix, ListIndex lists)
    {
        this.values = values;
        this.prefix = prefix;
        this.lists = lists;
    }

    /// <summary>The request's parameters in a canonical order, for ClientToken fingerprints.</summary>
    public string Fingerprint(params string[] excluded) => string.Join('&', values
        .Where(kv => !excluded.Contains(kv.Key) && !kv.Key.StartsWith("X-Amz-", StringComparison.Ordinal))
        .OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => kv.Key + "=" + kv.Value));

    public string? Get(string name) => values.TryGetValue(prefix + name, out var value) ? value : null;

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

    /// <summary>How many elements the list <paramref name="name"/> has (for limits checked before parsing them).</summary>
    public int CountOf(string name) => lists.Count(prefix + name);

    /// <summary>A list of scalars: <c>Name.1</c>, <c>Name.2</c>, …</summary>
    public List<string> GetList(string name) =>
        Members(name, structured: false).ConvertAll(m => values[$"{prefix}{name}.{m.Spelling}"]);

    /// <summary>A list of structures: <c>Name.1.Field</c>, … each seen through its own prefix.</summary>
    public List<QueryParameters> GetStructs(string name) =>
        Members(name, structured: true).ConvertAll(m => new QueryParameters(values, $"{prefix}{name}.{m.Spelling}.", lists));

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

    private List<ListIndex.Member> Members(string name, bool structured)
    {
        var path = prefix + name;
        var members = lists.Members(path);
        if (members.Count > MaxListLength)
        {
            throw new Ec2Exception(
                "InvalidRequest", $"{members.Count} exceeds the maximum number of {path} values that can be specified ({MaxListLength}).");
        }

        foreach (var member in members)
        {
            // A value where fields belong (Filter.1=x) or fields where a value belongs is an element all the same: refuse it
            // rather than pass it over.
            if (structured ? member.HasValue : member.HasFields)
            {
                throw Ec2Errors.InvalidParameterValue(structured
                    ? $"The parameter {path}.{member.Spelling} is invalid: each element of {path} is a structure ({path}.N.Field)."
                    : $"The parameter {path}.{member.Spelling} is invalid: each element of {path} is a single value ({path}.N).");
            }
        }

        return members;
    }
}
