using System.Collections.Frozen;

namespace Harness.Ec2.Protocol;

/// <summary>
/// Every wire parameter each served action accepts, generated from botocore's EC2 model by
/// <c>tools/ec2-parameters.py</c>. Anything else is answered with UnknownParameter, as EC2 does.
/// </summary>
internal static class ParameterCatalog
{
    private static readonly FrozenSet<string> Envelope = new[]
    {
        "Action", "Version", "AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature", "Timestamp", "Expires",
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
        "X-Amz-Expires",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, FrozenSet<string>> ByAction = Load();

    public static IEnumerable<string> Actions => ByAction.Keys;

    /// <summary>The wire names an action accepts, lists written with <c>N</c> (for fuzzing and docs).</summary>
    public static IReadOnlyCollection<string> ParametersOf(string action) => ByAction[action];

    /// <summary>The first parameter of the request that the action does not accept, or null.</summary>
    public static string? FindUnknown(string action, IEnumerable<string> names)
    {
        if (!ByAction.TryGetValue(action, out var accepted))
        {
            return null;
        }

        return names.FirstOrDefault(name => !Envelope.Contains(name) && !accepted.Contains(Normalize(name)));
    }

    /// <summary><c>Filter.2.Value.10</c> becomes <c>Filter.N.Value.N</c>.</summary>
    private static string Normalize(string name)
    {
        if (!name.Any(char.IsAsciiDigit))
        {
            return name;
        }

        var parts = name.Split('.');
        for (var i = 1; i < parts.Length; i++)
        {
            if (parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit))
            {
                parts[i] = "N";
            }
        }

        return string.Join('.', parts);
    }

    private static FrozenDictionary<string, FrozenSet<string>> Load()
    {
        using var stream = typeof(ParameterCatalog).Assembly.GetManifestResourceStream("ec2-parameters.txt")
            ?? throw new InvalidOperationException("ec2-parameters.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var result = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0)
            {
                result[words[0]] = words.Skip(1).ToFrozenSet(StringComparer.Ordinal);
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
