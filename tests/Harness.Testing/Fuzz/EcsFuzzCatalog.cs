namespace Harness.Testing.Fuzz;

/// <summary>
/// Every served Alibaba action with its API version and wire parameters (lists written <c>.N</c>), from the SDKs' models
/// (ecs-parameters.txt); a test checks it names exactly the actions the facade's tables serve.
/// </summary>
public static class EcsFuzzCatalog
{
    public static IReadOnlyDictionary<string, (string Version, string[] Parameters)> Actions { get; } = Load();

    public static string[] Names { get; } = [.. Actions.Keys.Order(StringComparer.Ordinal)];

    private static Dictionary<string, (string, string[])> Load()
    {
        using var stream = typeof(EcsFuzzCatalog).Assembly.GetManifestResourceStream("fuzz-ecs-parameters.txt")
            ?? throw new InvalidOperationException("fuzz-ecs-parameters.txt is not embedded.");
        using var reader = new StreamReader(stream);
        var result = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 1 && !words[0].StartsWith('#'))
            {
                result[words[0]] = (words[1], words[2..]);
            }
        }

        return result;
    }
}
