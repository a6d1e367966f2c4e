using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios.Parsing;

/// <summary>
/// Reads YAML nodes into values, collecting an error with its position for everything that is not what was
/// expected, and substituting <c>${name}</c> variables in every scalar it reads.
/// </summary>
internal sealed partial class YamlReader(string file, IReadOnlyDictionary<string, string> variables)
{
    public List<ScenarioError> Errors { get; } = [];

    public string File => file;

    public static SourceMark MarkOf(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => Errors.Add(new(file, MarkOf(node), message));

    public void Error(SourceMark mark, string message) => Errors.Add(new(file, mark, message));

    /// <summary>A mapping with only the <paramref name="known"/> keys; null (and an error) when the node is something else.</summary>
    public MapReader? Map(YamlNode node, string what, params string[] known)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(node, $"{Sentence(what)} must be a mapping (key: value lines or {{ key: value }}), not {Kind(node)}.");
            return null;
        }

        return new MapReader(this, mapping, what, known);
    }

    public string? Scalar(YamlNode node, string what)
    {
        if (node is not YamlScalarNode { Value: { } value } scalar || IsNull(scalar))
        {
            Error(node, $"{Sentence(what)} must be a single value, not {Kind(node)}.");
            return null;
        }

        return Substitute(scalar, value);
    }

    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.ToList();
        }

        Error(node, $"{Sentence(what)} must be a list (- item lines or [a, b]), not {Kind(node)}.");
        return [];
    }

    /// <summary>One value or a list of values.</summary>
    public IReadOnlyList<string> Strings(YamlNode node, string what) => node is YamlSequenceNode sequence
        ? sequence.Children.Select(child => Scalar(child, $"each of {what}")).OfType<string>().ToList()
        : Scalar(node, what) is { } one ? [one] : [];

    public int? Int(YamlNode node, string what, int min, int max)
    {
        if (Scalar(node, what) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(node, $"{Sentence(what)} must be a whole number from {min} to {max}, not '{text}'.");
        return null;
    }

    public bool? Bool(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error(node, $"{what} must be true or false, not '{text}'.");
                return null;
        }
    }

    public TimeSpan? Duration(YamlNode node, string what)
    {
        if (Scalar(node, what) is not { } text)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        Error(node, $"{Sentence(what)} must be a duration such as 500ms, 10s, 2m or 1h (at most 24h), not '{text}'.");
        return null;
    }

    /// <summary>A phrase as the start of a sentence: its first letter capitalized.</summary>
    public static string Sentence(string phrase) => phrase.Length == 0 ? phrase : char.ToUpperInvariant(phrase[0]) + phrase[1..];

    /// <summary>Where a character of a scalar's value is in the file, for errors inside a value (a delay spec's position).</summary>
    public static SourceMark MarkInside(YamlNode node, int position)
    {
        var mark = MarkOf(node);
        var quoted = node is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } ? 1 : 0;
        return mark with { Column = mark.Column + quoted + position };
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null";

    private string? Substitute(YamlScalarNode node, string value)
    {
        if (!value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        var ok = true;
        var result = Variable().Replace(value, match =>
        {
            if (variables.TryGetValue(match.Groups[1].Value, out var replacement))
            {
                return replacement;
            }

            Error(node, $"Unknown variable ${{{match.Groups[1].Value}}}: define it under vars: or with --var {match.Groups[1].Value}=value.");
            ok = false;
            return match.Value;
        });
        return ok ? result : null;
    }

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an alias",
    };

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_-]*)\}")]
    private static partial Regex Variable();
}

/// <summary>A mapping whose keys are checked against the ones allowed; each value is read at most once, by name.</summary>
internal sealed class MapReader
{
    private readonly YamlReader reader;
    private readonly int errorsBefore;
    private readonly Dictionary<string, YamlNode> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, YamlNode> keys = new(StringComparer.Ordinal);

    public MapReader(YamlReader reader, YamlMappingNode node, string what, string[] known)
    {
        this.reader = reader;
        errorsBefore = reader.Errors.Count;
        Node = node;
        What = what;
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                reader.Error(key, $"Keys in {what} must be plain words.");
                continue;
            }

            if (known.Length > 0 && !known.Contains(name, StringComparer.Ordinal))
            {
                reader.Error(key, $"Unknown key '{name}' in {what}; expected {Expected(known)}.");
                continue;
            }

            if (!values.TryAdd(name, value))
            {
                reader.Error(key, $"'{name}' is given twice in {what}.");
                continue;
            }

            keys[name] = key;
        }
    }

    public YamlMappingNode Node { get; }

    public string What { get; }

    public SourceMark Mark => YamlReader.MarkOf(Node);

    /// <summary>
    /// Whether nothing in this mapping has been wrong so far. Checks of what is missing run only then: a misspelt key
    /// is the problem to report, not the absence of the key it was meant to be.
    /// </summary>
    public bool Clean => reader.Errors.Count == errorsBefore;

    public IEnumerable<string> Keys => values.Keys;

    public YamlNode? this[string key] => values.GetValueOrDefault(key);

    public bool Has(string key) => values.ContainsKey(key);

    public YamlNode KeyNode(string key) => keys[key];

    public static string Expected(IReadOnlyList<string> known) =>
        known.Count == 1 ? known[0] : $"one of {string.Join(", ", known.Take(known.Count - 1))} or {known[^1]}";

    public string? String(string key, bool required = false) =>
        Get(key, required) is { } node ? reader.Scalar(node, $"'{key}' in {What}") : null;

    public int? Int(string key, int min, int max, bool required = false) =>
        Get(key, required) is { } node ? reader.Int(node, $"'{key}' in {What}", min, max) : null;

    public bool? Bool(string key) => Get(key, false) is { } node ? reader.Bool(node, $"'{key}' in {What}") : null;

    public TimeSpan? Duration(string key, bool required = false) =>
        Get(key, required) is { } node ? reader.Duration(node, $"'{key}' in {What}") : null;

    public IReadOnlyList<string> Strings(string key, bool required = false) =>
        Get(key, required) is { } node ? reader.Strings(node, $"'{key}' in {What}") : [];

    public IReadOnlyList<YamlNode> Sequence(string key, bool required = false) =>
        Get(key, required) is { } node ? reader.Sequence(node, $"'{key}' in {What}") : [];

    public MapReader? Map(string key, string what, params string[] known) =>
        Get(key, false) is { } node ? reader.Map(node, what, known) : null;

    private YamlNode? Get(string key, bool required)
    {
        if (values.TryGetValue(key, out var node))
        {
            return node;
        }

        if (required)
        {
            reader.Error(Node, $"{YamlReader.Sentence(What)} needs '{key}'.");
        }

        return null;
    }
}
