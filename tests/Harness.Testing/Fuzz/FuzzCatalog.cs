namespace Harness.Testing.Fuzz;

/// <summary>Every served action's wire parameters (lists written <c>.N</c>), from the facade's own catalog.</summary>
public static class FuzzCatalog
{
    public static IReadOnlyDictionary<string, string[]> Parameters { get; } = Load();

    public static string[] Actions { get; } = [.. Parameters.Keys.Order(StringComparer.Ordinal)];

    private static Dictionary<string, string[]> Load()
    {
        using var stream = typeof(FuzzCatalog).Assembly.GetManifestResourceStream("fuzz-ec2-parameters.txt")
            ?? throw new InvalidOperationException("fuzz-ec2-parameters.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0)
            {
                result[words[0]] = words[1..];
            }
        }

        return result;
    }
}
