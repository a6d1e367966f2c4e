using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Harness.Load.Imds;

/// <summary>
/// <c>harness-load imds-throughput</c>: wrk against the harness's metadata service and against the bare endpoint, in one
/// run. First it checks that both give the same reply, then shows where wrk stands (its CPU per request against the
/// server's, and what more wrk threads or connections change on the bare endpoint), warms both up, and alternates
/// measured rounds (harness, bare, harness, bare, …) with the same wrk settings so drift on a shared machine hits both
/// alike. Exit 0, or 1 when the replies differ, wrk is missing or any round saw errors.
/// </summary>
internal static class ImdsThroughputCommand
{
    public const string Usage =
        "usage: harness-load imds-throughput --harness-url URL --harness-pid PID --bare-url URL --bare-pid PID [--rounds 3] [--duration 10s]\n" +
        "                                    [--threads 1] [--connections 32] [--warmup 3s] [--check 1x32,2x32,2x64] [--check-duration 5s]\n" +
        "                                    [--fixture f.json] [--load TEXT] [--json out.json] [--md out.md]";

    private const double Goal = 0.90;

    private static readonly string[] Names =
        ["harness-url", "harness-pid", "bare-url", "bare-pid", "rounds", "duration", "threads", "connections", "warmup", "check", "check-duration",
         "fixture", "load", "json", "md"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("imds-throughput", args, Names, RunAsync);

    private static async Task<int> RunAsync(BenchOptions args)
    {
        var harnessUrl = args.RequireUrl("harness-url");
        var bareUrl = args.RequireUrl("bare-url");
        var harnessPid = args.GetInt("harness-pid", 0);
        var barePid = args.GetInt("bare-pid", 0);
        var rounds = args.GetInt("rounds", 3, min: 1, max: 100);
        var duration = args.GetDuration("duration", TimeSpan.FromSeconds(10));
        var warmup = args.GetDuration("warmup", TimeSpan.FromSeconds(3));
        var checkDuration = args.GetDuration("check-duration", TimeSpan.FromSeconds(5));
        var threads = args.GetInt("threads", 1, min: 1, max: 64);
        var connections = args.GetInt("connections", 32, min: threads, max: 10_000);
        var checks = ParseChecks(args.Get("check", "1x32,2x32,2x64"));
        if (WrkRunner.Find() is not { } wrk)
        {
            await Console.Error.WriteLineAsync("[imds] wrk is not installed; install Debian's package with: apt-get install -y wrk");
            return 1;
        }

        Console.Error.WriteLine($"[imds] harness pid {harnessPid}: {CpuClock.CommandLineOf(harnessPid)}");
        Console.Error.WriteLine($"[imds] bare pid {barePid}: {CpuClock.CommandLineOf(barePid)}");

        var harnessReply = (await ImdsReply.GetAsync(harnessUrl)).Check(harnessUrl);
        var bareReply = (await ImdsReply.GetAsync(bareUrl)).Check(bareUrl);
        if (harnessReply with { Url = "" } != bareReply with { Url = "" })
        {
            Console.Error.WriteLine($"[imds] the two replies differ:\n  harness {harnessReply}\n  bare    {bareReply}");
            return 1;
        }

        Console.Error.WriteLine($"[imds] same reply from both: {harnessReply.Status}, {harnessReply.Headers}, body {harnessReply.Body}");
        var servers = new[] { ("harness", harnessUrl, harnessPid), ("bare", bareUrl, barePid) };
        if (warmup > TimeSpan.Zero)
        {
            foreach (var (name, url, pid) in servers)
            {
                var w = await WrkRunner.RunAsync(wrk, url, threads, connections, warmup, pid, CancellationToken.None);
                Console.Error.WriteLine(Inv($"[imds] warm-up {name}: {w.RequestsPerSecond:N0} req/s"));
            }
        }

        var clientCheck = new List<CalibrationSample>();
        foreach (var (t, c) in checks)
        {
            var run = await WrkRunner.RunAsync(wrk, bareUrl, t, c, checkDuration, barePid, CancellationToken.None);
            clientCheck.Add(run);
            Console.Error.WriteLine(Inv($"[imds] client check bare -t{t} -c{c}: {run.RequestsPerSecond:N0} req/s, wrk {PerRequest(run.ClientCpuSeconds, run):F2} µs/req, server {PerRequest(run.ServerCpuSeconds, run):F2} µs/req"));
        }

        var measured = new List<ImdsRound>();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var (name, url, pid) in servers)
            {
                var run = await WrkRunner.RunAsync(wrk, url, threads, connections, duration, pid, CancellationToken.None);
                measured.Add(new ImdsRound(name, run));
                Console.Error.WriteLine(Inv($"[imds] round {r + 1} {name}: {run.RequestsPerSecond:N0} req/s, p50 {run.P50Ms} ms, p99 {run.P99Ms} ms, errors {run.Errors}, cpu wrk {run.ClientCpuSeconds} s / server {run.ServerCpuSeconds} s / other {run.OtherCpuSeconds} s"));
            }
        }

        var harnessRuns = measured.Where(m => m.Server == "harness").Select(m => m.Run).ToList();
        var bareRuns = measured.Where(m => m.Server == "bare").Select(m => m.Run).ToList();
        var pairRatios = harnessRuns.Zip(bareRuns, (h, b) => b.RequestsPerSecond == 0 ? 0 : h.RequestsPerSecond / b.RequestsPerSecond).ToList();
        var harnessMedian = Median(harnessRuns.Select(m => m.RequestsPerSecond));
        var bareMedian = Median(bareRuns.Select(m => m.RequestsPerSecond));
        ImdsFixtureResult? fixture = null;
        if (args.Get("fixture") is { } fixturePath && File.Exists(fixturePath))
        {
            fixture = JsonSerializer.Deserialize<ImdsFixtureResult>(await File.ReadAllTextAsync(fixturePath), BenchJson.Options);
        }

        var result = new ImdsThroughputResult(
            harnessUrl.ToString(), bareUrl.ToString(), threads, connections, duration.TotalSeconds, harnessReply, bareReply, clientCheck, measured,
            harnessMedian, bareMedian, bareMedian == 0 ? 0 : Math.Round(harnessMedian / bareMedian, 4), Math.Round(pairRatios.Min(), 4), Math.Round(pairRatios.Max(), 4),
            args.Get("load", ""), fixture);
        var markdown = Markdown(result);
        Console.WriteLine(markdown);
        if (args.Get("json") is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, BenchJson.Options));
        }

        if (args.Get("md") is { } md)
        {
            await File.WriteAllTextAsync(md, markdown);
        }

        return measured.Any(m => m.Run.Errors > 0) ? 1 : 0;
    }

    public static string Markdown(ImdsThroughputResult r)
    {
        var md = new StringBuilder();
        md.AppendLine("## IMDS throughput: harness against a bare Kestrel endpoint");
        md.AppendLine();
        if (r.Fixture is { } f)
        {
            md.AppendLine(Inv($"{f.Instances:N0} {f.InstanceType} instances registered through the EC2 API (RunInstances, {f.Batch} per call, {f.Parallel} calls in flight) in {f.RegisterSeconds:F2} s ({f.InstancesPerSecond:N0}/s). Target: {f.InstanceId}, `{f.Url}`."));
            md.AppendLine();
        }

        var closes = r.Harness.Headers.Contains("Connection: close", StringComparison.OrdinalIgnoreCase);
        md.AppendLine(Inv($"Both answer {r.Harness.Status} `{r.Harness.Body.ReplaceLineEndings("\\n")}` with `{r.Harness.Headers}` (and Date); bare: `{r.BareUrl}`. wrk -t{r.Threads} -c{r.Connections}, {r.RoundSeconds:F0} s per round, rounds alternate. {r.LoadAtStart}"));
        if (closes)
        {
            md.AppendLine();
            md.AppendLine("Both close the connection after every reply, as real IMDS does: wrk keeps its connections alive where the server lets it, so here every request costs a TCP connect, accept and close on both sides, and that dominates the figures.");
        }

        md.AppendLine();
        md.AppendLine("Where wrk stands (bare endpoint; CPU-seconds from /proc, µs of CPU per request):");
        md.AppendLine();
        md.AppendLine("| wrk | req/s | p99 ms | wrk threads busy | wrk µs/req | server µs/req | other processes, CPU s |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in r.ClientCheck)
        {
            md.AppendLine(Inv($"| -t{c.Threads} -c{c.Connections} | {c.RequestsPerSecond:N0} | {c.P99Ms:F3} | {c.ClientThreadBusyPercent:F0} % | {PerRequest(c.ClientCpuSeconds, c):F2} | {PerRequest(c.ServerCpuSeconds, c):F2} | {c.OtherCpuSeconds:F2} |"));
        }

        md.AppendLine();
        md.AppendLine("| round | server | req/s | p50 ms | p99 ms | errors | wrk thread busy | wrk µs/req | server µs/req (user) | other processes, CPU s |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < r.Rounds.Count; i++)
        {
            var (server, m) = (r.Rounds[i].Server, r.Rounds[i].Run);
            md.AppendLine(Inv($"| {(i / 2) + 1} | {server} | {m.RequestsPerSecond:N0} | {m.P50Ms:F3} | {m.P99Ms:F3} | {m.Errors} | {m.ClientThreadBusyPercent:F0} % | {PerRequest(m.ClientCpuSeconds, m):F2} | {PerRequest(m.ServerCpuSeconds, m):F2} ({PerRequest(m.ServerUserCpuSeconds, m):F2}) | {m.OtherCpuSeconds:F2} |"));
        }

        var harness = r.Rounds.Where(m => m.Server == "harness").Select(m => m.Run).ToList();
        var bare = r.Rounds.Where(m => m.Server == "bare").Select(m => m.Run).ToList();
        md.AppendLine();
        md.AppendLine("| | harness | bare |");
        md.AppendLine("|---|---:|---:|");
        md.AppendLine(Inv($"| median req/s | {r.HarnessMedian:N0} | {r.BareMedian:N0} |"));
        md.AppendLine(Inv($"| median p50 / p99 ms | {Median(harness.Select(m => m.P50Ms)):F3} / {Median(harness.Select(m => m.P99Ms)):F3} | {Median(bare.Select(m => m.P50Ms)):F3} / {Median(bare.Select(m => m.P99Ms)):F3} |"));
        md.AppendLine(Inv($"| median server CPU µs/req (user mode) | {Median(harness.Select(m => PerRequest(m.ServerCpuSeconds, m))):F2} ({Median(harness.Select(m => PerRequest(m.ServerUserCpuSeconds, m))):F2}) | {Median(bare.Select(m => PerRequest(m.ServerCpuSeconds, m))):F2} ({Median(bare.Select(m => PerRequest(m.ServerUserCpuSeconds, m))):F2}) |"));
        md.AppendLine(Inv($"| median CPU of other processes per round | {Median(harness.Select(m => m.OtherCpuSeconds)):F2} s | {Median(bare.Select(m => m.OtherCpuSeconds)):F2} s |"));
        md.AppendLine();
        md.AppendLine(Inv($"harness ÷ bare (medians): {100 * r.Ratio:F1} % (round by round {100 * r.PairRatioMin:F1}–{100 * r.PairRatioMax:F1} %); goal ≥ {100 * Goal:F0} %: {(r.Ratio >= Goal ? "met" : "NOT met")}."));
        md.AppendLine(Inv($"Server CPU per request, bare ÷ harness (medians): {100 * Median(bare.Select(m => PerRequest(m.ServerCpuSeconds, m))) / Math.Max(0.001, Median(harness.Select(m => PerRequest(m.ServerCpuSeconds, m)))):F1} %."));
        return md.ToString();
    }

    /// <summary>"1x32,2x32": wrk threads × connections for the client check.</summary>
    private static List<(int Threads, int Connections)> ParseChecks(string text)
    {
        var checks = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('x');
            if (pair.Length != 2 || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var c) || t < 1 || c < t)
            {
                throw new BenchOptionException($"--check must be wrk settings such as 1x32,2x64 (threads x connections, at least one connection per thread), not '{text}'");
            }

            checks.Add((t, c));
        }

        return checks;
    }

    /// <summary>CPU microseconds per request, unrounded (the sample's own figures are rounded to 0.1 µs).</summary>
    private static double PerRequest(double cpuSeconds, CalibrationSample sample) => sample.Requests == 0 ? 0 : cpuSeconds * 1e6 / sample.Requests;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
