using System.Globalization;

namespace Harness.Load;

/// <summary>
/// What <c>harness-load calibrate</c> runs: <see cref="Rounds"/> rounds, each of wrk (once per thread count in
/// <see cref="WrkThreads"/>) and then the engine, all with <see cref="Connections"/> kept-alive connections for
/// <see cref="Duration"/>, after one unmeasured <see cref="WarmUp"/> of each.
/// </summary>
internal sealed record CalibrateOptions(
    int Rounds,
    TimeSpan Duration,
    TimeSpan WarmUp,
    int Connections,
    IReadOnlyList<int> WrkThreads,
    int Port,
    bool InProcess,
    double MinRatio,
    string? Json)
{
    public const string Usage =
        "usage: harness-load calibrate [--rounds 3] [--duration 5s] [--warmup 2s] [--connections 32] [--wrk-threads 1,2] " +
        "[--port 0] [--in-process] [--min-ratio 0.8] [--json out.json]";

    private static readonly string[] Names =
        ["--rounds", "--duration", "--warmup", "--connections", "--wrk-threads", "--port", "--min-ratio", "--json"];

    public static CalibrateOptions Default { get; } = new(3, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 32, [1, 2], 0, false, 0.8, null);

    /// <summary>Reads the arguments after <c>calibrate</c>; the error is a sentence naming the offending argument.</summary>
    public static CalibrateOptions Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = Default;
        error = null;
        for (var i = 0; i < args.Count && error is null; i++)
        {
            var name = args[i];
            string? inline = null;
            if (name.StartsWith("--", StringComparison.Ordinal) && name.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                // --name=value, as the workload commands take it.
                (name, inline) = (name[..eq], name[(eq + 1)..]);
            }

            if (name == "--in-process")
            {
                options = options with { InProcess = true };
                continue;
            }

            if (!Names.Contains(name) || (inline is null && i + 1 >= args.Count))
            {
                error = !name.StartsWith('-') ? $"unexpected argument '{name}'"
                    : Names.Contains(name) ? $"{name} needs a value"
                    : $"unknown option '{name}'; calibrate takes {string.Join(", ", Names.Append("--in-process"))}, --help";
                break;
            }

            var value = inline ?? args[++i];
            CalibrateOptions? next = name switch
            {
                "--rounds" when Whole(value, 1, 100) is { } n => options with { Rounds = n },
                "--duration" when ParseDuration(value) is { } d && d >= TimeSpan.FromSeconds(1) => options with { Duration = d },
                "--warmup" when ParseDuration(value) is { } d => options with { WarmUp = d },
                "--connections" when Whole(value, 1, 10_000) is { } n => options with { Connections = n },
                "--wrk-threads" when value.Split(',').Select(t => Whole(t, 1, 64)).ToList() is { } t && t.All(n => n is not null)
                    => options with { WrkThreads = t.Select(n => n!.Value).Distinct().ToList() },
                "--port" when Whole(value, 0, 65535) is { } n => options with { Port = n },
                "--min-ratio" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is > 0 and <= 10
                    => options with { MinRatio = r },
                "--json" when value.Length > 0 => options with { Json = value },
                _ => null,
            };
            options = next ?? options;
            error = next is null ? $"bad value '{value}' for {name}" : null;
        }

        if (error is null && options.WrkThreads.Any(t => t > options.Connections))
        {
            error = "wrk needs at least one connection per thread: --wrk-threads above --connections";
        }

        return error is null ? options : Default;
    }

    private static int? Whole(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;

    /// <summary>"5s", "500ms", "1m", or a bare number of seconds.</summary>
    private static TimeSpan? ParseDuration(string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && n * unit <= 3600
            ? TimeSpan.FromSeconds(n * unit)
            : null;
    }
}
