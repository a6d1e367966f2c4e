namespace Harness.Ec2.Protocol.Signing;

/// <summary>
/// The access keys of <c>serve --credentials KEY:SECRET[,KEY:SECRET…]</c> and <c>--credentials-file PATH</c> (one
/// <c>KEY:SECRET</c> per line, blank lines and lines starting with <c>#</c> skipped). A secret runs from the first colon
/// to the end of its entry, so it may itself hold colons but not commas (AWS secrets hold neither). A file is an option
/// of its own rather than <c>@PATH</c> because System.CommandLine reads <c>@PATH</c> as a response file.
/// </summary>
public static class CredentialList
{
    /// <summary>Parses every list and file given; false with a one-line <paramref name="error"/> on the first bad entry.</summary>
    public static bool TryParse(
        IEnumerable<string> lists, IEnumerable<string> files, out IReadOnlyDictionary<string, string> credentials, out string? error)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        credentials = keys;
        error = null;
        var sources = lists.Select(list => (Entries: list.Split(','), Comments: false)).ToList();
        foreach (var file in files)
        {
            if (!TryRead(file, out var lines, out error))
            {
                return false;
            }

            sources.Add((lines, true));
        }

        foreach (var (entries, comments) in sources)
        {
            foreach (var raw in entries)
            {
                var entry = raw.Trim();
                if (entry.Length == 0 || (comments && entry.StartsWith('#')))
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

    private static bool TryRead(string path, out string[] lines, out string? error)
    {
        try
        {
            (lines, error) = (File.ReadAllLines(path), null);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            (lines, error) = ([], $"cannot read credentials file '{path}': {e.Message}");
            return false;
        }
    }

    /// <summary>An entry quoted in an error keeps its first characters only, so a mistyped secret is not echoed whole.</summary>
    private static string Redacted(string entry) => entry.Length <= 12 ? entry : entry[..12] + "…";
}
