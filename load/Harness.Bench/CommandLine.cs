namespace Harness.Bench;

/// <summary>
/// A deliberately tiny "--name value" parser: the bench has a handful of flags and
/// should not take a dependency on the host's command-line stack.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    _options[pending] = "true";
                }

                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    _options[arg[2..eq]] = arg[(eq + 1)..];
                    pending = null;
                }
                else
                {
                    pending = arg[2..];
                }
            }
            else if (pending is not null)
            {
                _options[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        if (pending is not null)
        {
            _options[pending] = "true";
        }
    }

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int GetInt(string name, int fallback) => Get(name) is { } v ? int.Parse(v) : fallback;

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>Accepts "10s", "500ms", "2m" or a bare number of seconds.</summary>
    public TimeSpan GetDuration(string name, TimeSpan fallback)
    {
        var v = Get(name);
        if (v is null)
        {
            return fallback;
        }

        if (v.EndsWith("ms", StringComparison.Ordinal))
        {
            return TimeSpan.FromMilliseconds(double.Parse(v[..^2]));
        }

        if (v.EndsWith('s'))
        {
            return TimeSpan.FromSeconds(double.Parse(v[..^1]));
        }

        if (v.EndsWith('m'))
        {
            return TimeSpan.FromMinutes(double.Parse(v[..^1]));
        }

        return TimeSpan.FromSeconds(double.Parse(v));
    }

    public int[] GetIntList(string name, int[] fallback) =>
        Get(name) is { } v
            ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray()
            : fallback;
}
