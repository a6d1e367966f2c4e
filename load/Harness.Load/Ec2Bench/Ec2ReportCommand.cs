using System.Text.Json;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// <c>harness-load ec2-report</c>: turns the JSON of one ec2-vs-moto run (ec2-bench's for each server, calibrate's for
/// the client) into the Markdown docs/benchmarks.md quotes, printed and optionally written. A file that is missing is left
/// out of the report, so a run whose moto did not start still reports the harness.
/// </summary>
internal static class Ec2ReportCommand
{
    public const string Usage =
        "usage: harness-load ec2-report [--harness h.json] [--moto m.json] [--calibration c1.json,c8.json] [--moto-version V] [--note TEXT] [--out file.md]";

    private static readonly string[] Names = ["harness", "moto", "calibration", "moto-version", "note", "out"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("ec2-report", args, Names, RunAsync);

    private static async Task<int> RunAsync(BenchOptions args)
    {
        var harness = await LoadAsync<Ec2BenchResult>(args.Get("harness"));
        var moto = await LoadAsync<Ec2BenchResult>(args.Get("moto"));
        var calibrations = new List<CalibrationReport>();
        foreach (var path in (args.Get("calibration") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (await LoadAsync<CalibrationReport>(path) is { } calibration)
            {
                calibrations.Add(calibration);
            }
        }

        var text = Ec2Report.Build(harness, moto, calibrations, args.Get("moto-version", "?"), args.Get("note"), TimeProvider.System.GetUtcNow());
        Console.WriteLine(text);
        if (args.Get("out") is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, text);
        }

        return 0;
    }

    private static async Task<T?> LoadAsync<T>(string? path) where T : class
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(path), BenchJson.Options);
        }
        catch (JsonException error)
        {
            throw new BenchOptionException($"{path} is not what it should be: {error.Message}");
        }
    }
}
