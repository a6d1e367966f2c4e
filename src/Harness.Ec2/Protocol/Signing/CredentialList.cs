namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// The access keys of <c>serve --credentials</c>: <c>KEY:SECRET[,KEY:SECRET…]</c>, or <c>@path</c> naming a file
/// with one <c>KEY:SECRET</c> per line (blank lines and lines starting with <c>#</c> skipped). A secret runs from the
/// first colon to the end of its entry, so it may itself hold colons but not commas (AWS secrets hold neither).
/// </summary>
public static class CredentialList
{
    /// <summary>Parses every value given; false with a one-line <paramref name="error"/> on the first bad entry.</summary>
    public static bool TryParse(IEnumerable<string> specs, out IReadOnlyDictionary<string, string> credentials, out string? error)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        credentials = keys;
        error = null;
        foreach (var spec in specs)
        {
            var entries = spec.StartsWith('@') ? ReadFile(spec[1..], out error) : spec.Split(',');
            if (error is not null)
            {
                return false;
            }

            foreach (var raw in entries)
            {
                var entry = raw.Trim();
                if (entry.Length == 0 || (spec.StartsWith('@') && entry.StartsWith('#')))
                {
                    continue;
                }

                var colon = entry.IndexOf(':');
                if (colon <= 0 || colon == entry.Length - 1)
                {
                    error = $"'{Redacted(entry)}' is not KEY:SECRET";
                    return false;
                }

                var (key, secret) = (entry[..colon], entry[(colon + 1)..]);
                if (keys.TryGetValue(key, out var known) && known != secret)
                {
                    error = $"access key {key} is given twice with different secrets";
                    return false;
                }

                keys[key] = secret;
            }
        }

        if (keys.Count == 0)
        {
            error = "no KEY:SECRET given";
            return false;
        }

        return true;
    }

    private static string[] ReadFile(string path, out string? error)
    {
        try
        {
            error = null;
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"cannot read credentials file '{path}': {e.Message}";
            return [];
        }
    }

    /// <summary>An entry quoted in an error keeps its first characters only, so a mistyped secret is not echoed whole.</summary>
    private static string Redacted(string entry) => entry.Length <= 12 ? entry : entry[..12] + "…";
}
