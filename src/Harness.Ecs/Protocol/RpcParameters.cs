using System.Globalization;
using System.Text.Json;
using Harness.Domain.Net;

namespace Harness.Ecs.Protocol;

/// <summary>
/// An RPC request's parameters (query string and form body merged), read the way Alibaba's APIs take them: lists as
/// <c>Name.1</c>, <c>Name.2</c>… (ALIBABA.md §1.4), or, as aliyungo sends untagged slices and DescribeInstances defines
/// some, one JSON array.
/// </summary>
internal sealed class RpcParameters(Dictionary<string, string> values)
{
    public IReadOnlyDictionary<string, string> Values => values;

    public string? Get(string name) => values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Require(string name) => Get(name) ?? throw AlibabaErrors.MissingParameter(name);

    public int? GetInt(string name, string? malformedCode = null)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new AlibabaException(malformedCode ?? "InvalidParameter", $"The specified parameter \"{name}\" is not valid.");
    }

    public bool? GetBool(string name) => Get(name) switch
    {
        null => null,
        var text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw AlibabaErrors.InvalidParameter(name),
    };

    /// <summary><c>Name.1</c>, <c>Name.2</c>… in index order; or <c>Name</c> itself, as a JSON array or one value.</summary>
    public List<string> GetList(string name)
    {
        var indexed = new SortedList<int, string>();
        var prefix = name + ".";
        foreach (var (key, value) in values)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && value.Length > 0)
            {
                indexed[index] = value;
            }
        }

        if (indexed.Count > 0)
        {
            return [.. indexed.Values];
        }

        return Get(name) is { } whole ? JsonList(name, whole) : [];
    }

    /// <summary>An IPv4 address, or <c>InvalidPrivateIpAddress.Malformed</c>.</summary>
    public static uint ParseIp(string text) =>
        Ipv4.TryParse(text, out var address) ? address : throw AlibabaErrors.IpMalformed(text);

    private static List<string> JsonList(string name, string text)
    {
        if (!text.StartsWith('['))
        {
            return [text];
        }

        try
        {
            // A null item ("[null]") would reach the lookups as a null key: refused like any other malformed list.
            return [.. (JsonSerializer.Deserialize<List<string?>>(text) ?? []).Select(item => item ?? throw AlibabaErrors.InvalidParameter(name))];
        }
        catch (JsonException)
        {
            throw AlibabaErrors.InvalidParameter(name);
        }
    }
}
