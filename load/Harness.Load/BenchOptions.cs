using System.Globalization;
using Harness.Load.Workloads;

namespace Harness.Load;

/// <summary>
/// The options of a benchmark command (<c>ec2-bench</c>, <c>ec2-report</c>, <c>imds-fixture</c>, <c>bare-imds</c>,
/// <c>imds-throughput</c>, <c>scheduler</c>): <c>--name value</c> pairs read as the workload commands read them, refused
/// when not among the command's names, and typed on demand. A value that does not read throws
/// <see cref="BenchOptionException"/>, which <see cref="RunAsync"/> turns into one sentence and exit 2.
/// </summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> values;

    private BenchOptions(Dictionary<string, string> values) => this.values = values;

    /// <summary>Reads <paramref name="args"/> for <paramref name="command"/> and runs <paramref name="body"/>; bad arguments exit 2.</summary>
    public static async Task<int> RunAsync(string command, string[] args, IReadOnlyList<string> names, Func<BenchOptions, Task<int>> body)
    {
        if (!LoadCommand.TryReadOptions(args, out var values, out var problem) || !LoadCommand.TryKnown(command, values, names, out problem))
        {
            await Console.Error.WriteLineAsync($"harness-load {command}: {problem}");
            return 2;
        }

        try
        {
            return await body(new BenchOptions(values));
        }
        catch (BenchOptionException error)
        {
            await Console.Error.WriteLineAsync($"harness-load {command}: {error.Message}");
            return 2;
        }
    }

    public string? Get(string name) => values.GetValueOrDefault(name);

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public string Require(string name) => Get(name) ?? throw new BenchOptionException($"--{name} is required");

    public int GetInt(string name, int fallback, int min = 0, int max = int.MaxValue) =>
        Get(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw new BenchOptionException($"--{name} must be a whole number from {min} to {max}, not '{text}'");

    /// <summary>A duration as the workload commands write them: <c>500ms</c>, <c>10s</c>, <c>2m</c>.</summary>
    public TimeSpan GetDuration(string name, TimeSpan fallback) =>
        Get(name) is not { } text ? fallback
        : LoadPlanReader.TryParseDuration(text, out var value) && value >= TimeSpan.Zero ? value
        : throw new BenchOptionException($"--{name} must be a duration such as 500ms, 10s or 2m, not '{text}'");

    /// <summary>Comma-separated whole numbers, each at least <paramref name="min"/>.</summary>
    public int[] GetIntList(string name, int[] fallback, int min = 1)
    {
        if (Get(name) is not { } text)
        {
            return fallback;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min ? n : -1).ToArray();
        return numbers.Length > 0 && numbers.All(n => n >= 0)
            ? numbers
            : throw new BenchOptionException($"--{name} must be whole numbers of at least {min} separated by commas, such as 1,8, not '{text}'");
    }

    /// <summary>An http URL, as the servers here are reached.</summary>
    /// <summary>One http URL, or several separated by commas (the processes of a harness cluster).</summary>
    public IReadOnlyList<Uri> RequireUrls(string name) =>
        [.. Require(name).Split(',', StringSplitOptions.TrimEntries).Select(text =>
            Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp
                ? url
                : throw new BenchOptionException($"--{name} must be an http URL such as http://127.0.0.1:4580/, or several separated by commas, not '{text}'"))];

    public Uri RequireUrl(string name)
    {
        var text = Require(name);
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp
            ? url
            : throw new BenchOptionException($"--{name} must be an http URL such as http://127.0.0.1:4580/, not '{text}'");
    }
}
