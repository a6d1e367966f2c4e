using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Harness.Bench;

internal sealed record CalibrationRow(string Client, int Concurrency, double RequestsPerSecond, double P50Ms, double P99Ms, int Errors);

internal sealed record CalibrationResult(string Target, double DurationSeconds, List<CalibrationRow> Rows);

/// <summary>
/// `calibrate`: drives the trivial endpoint with the bench client and, when installed, wrk.
/// If the client gets close to wrk there, it is not what limits the EC2 figures.
/// </summary>
internal static partial class Calibrate
{
    private const string Parameters = "NetworkInterfaceId.1=eni-0123456789abcdef0";

    public static async Task<int> RunAsync(CommandLine args)
    {
        var duration = args.GetDuration("duration", TimeSpan.FromSeconds(5));
        var concurrencies = args.GetIntList("concurrency", [1, 8]);
        WebApplication? inProcess = null;
        var targetText = args.Get("target");
        if (targetText is null)
        {
            var port = args.GetInt("port", 5098);
            inProcess = TrivialServer.Build(port);
            await inProcess.StartAsync();
            targetText = $"http://127.0.0.1:{port}/";
        }

        var target = new Uri(targetText);
        var rows = new List<CalibrationRow>();
        // Both client modes, so the report shows why the raw socket client is the default.
        foreach (var raw in new[] { true, false })
        {
            using var client = new QueryClient(target, concurrencies.Max(), raw);
            var name = raw ? "harness-bench (raw socket)" : "harness-bench (HttpClient)";
            var driver = new LoadDriver(client);
            var body = QueryClient.BuildBody("DescribeNetworkInterfaces", Parameters);
            var limits = new LoadLimits(duration, args.GetInt("max-requests", 2_000_000), TimeSpan.FromSeconds(1));
            foreach (var c in concurrencies)
            {
                var (stats, _) = await driver.RunAsync(c, limits, withSecondary: false, async (_, r, _) => await driver.CallAsync(r, body));
                rows.Add(new CalibrationRow(name, c, stats.RequestsPerSecond, stats.P50Ms, stats.P99Ms, stats.Errors));
                Console.Error.WriteLine($"[calibrate] {name} c={c}: {stats.RequestsPerSecond:F0} req/s p50 {stats.P50Ms} ms p99 {stats.P99Ms} ms errors {stats.Errors}");
            }
        }

        if (FindOnPath("wrk") is { } wrk)
        {
            foreach (var c in concurrencies)
            {
                if (await RunWrkAsync(wrk, target, c, duration) is { } row)
                {
                    rows.Add(row);
                    Console.Error.WriteLine($"[calibrate] wrk c={c}: {row.RequestsPerSecond:F0} req/s p50 {row.P50Ms} ms p99 {row.P99Ms} ms");
                }
            }
        }
        else
        {
            Console.Error.WriteLine("[calibrate] wrk not installed; only the bench client was measured");
        }

        if (inProcess is not null)
        {
            await inProcess.StopAsync();
        }

        var result = new CalibrationResult(target.ToString(), duration.TotalSeconds, rows);
        if (args.Get("json") is { } output)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, RunCommand.Json));
        }

        return 0;
    }

    private static async Task<CalibrationRow?> RunWrkAsync(string wrk, Uri target, int concurrency, TimeSpan duration)
    {
        // wrk POSTs exactly what the bench client sends, headers included.
        var script = Path.Combine(Path.GetTempPath(), $"harness-bench-{Environment.ProcessId}.lua");
        var body = System.Text.Encoding.UTF8.GetString(QueryClient.BuildBody("DescribeNetworkInterfaces", Parameters));
        await File.WriteAllTextAsync(script, $"""
            wrk.method = "POST"
            wrk.body = "{body}"
            wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
            wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000"
            wrk.headers["X-Amz-Date"] = "20261121T000000Z"
            """);
        try
        {
            // Two cores: more wrk threads than that only steal time from the server.
            var threads = Math.Min(concurrency, 2);
            var psi = new ProcessStartInfo(wrk)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "-t", threads.ToString(CultureInfo.InvariantCulture),
                    "-c", concurrency.ToString(CultureInfo.InvariantCulture),
                    "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s",
                    "--latency", "-s", script, target.ToString(),
                },
            };
            using var process = Process.Start(psi)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var rps = RequestsPerSecond().Match(output);
            if (!rps.Success)
            {
                Console.Error.WriteLine($"[calibrate] wrk output not understood:\n{output}");
                return null;
            }

            var errors = NonSuccess().Match(output);
            return new CalibrationRow(
                "wrk",
                concurrency,
                double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
                LatencyMs(output, "50%"),
                LatencyMs(output, "99%"),
                errors.Success ? int.Parse(errors.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Reads a "  99%  123.45us" line of wrk's latency distribution.</summary>
    private static double LatencyMs(string output, string percentile)
    {
        var m = Regex.Match(output, @"^\s*" + Regex.Escape(percentile) + @"\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success)
        {
            return 0;
        }

        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return Math.Round(m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, _ => v * 1000 }, 3);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
