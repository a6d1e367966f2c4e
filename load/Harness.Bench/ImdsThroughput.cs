using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Harness.Bench;

/// <summary>A reply as the benchmark compares them: status, every header but Date (sorted), body.</summary>
internal sealed record ReplyCheck(string Url, int Status, string Headers, string Body);

internal sealed record ImdsThroughputResult(
    string HarnessUrl,
    string BareUrl,
    int Threads,
    int Connections,
    double RoundSeconds,
    ReplyCheck Harness,
    ReplyCheck Bare,
    List<WrkRun> ClientCheck,
    List<WrkRun> Rounds,
    double HarnessMedian,
    double BareMedian,
    double Ratio,
    double PairRatioMin,
    double PairRatioMax,
    string LoadAtStart,
    ImdsFixtureResult? Fixture);

/// <summary>
/// `imds-throughput`: wrk against the harness's metadata service and against the bare endpoint, in one run. First it
/// checks that both give the same reply, then shows where wrk stands (its CPU per request against the server's, and
/// what more wrk threads or connections change on the bare endpoint), warms both up, and alternates measured rounds
/// (harness, bare, harness, bare, …) with the same wrk settings so drift on a shared machine hits both alike.
/// </summary>
internal static class ImdsThroughput
{
    private const double Goal = 0.90;

    public static async Task<int> RunAsync(CommandLine args)
    {
        var harnessUrl = new Uri(args.Get("harness-url") ?? throw new ArgumentException("--harness-url is required"));
        var bareUrl = new Uri(args.Get("bare-url") ?? throw new ArgumentException("--bare-url is required"));
        var harnessPid = args.GetInt("harness-pid", 0);
        var barePid = args.GetInt("bare-pid", 0);
        var rounds = Math.Max(1, args.GetInt("rounds", 3));
        var duration = args.GetDuration("duration", TimeSpan.FromSeconds(10));
        var warmup = args.GetDuration("warmup", TimeSpan.FromSeconds(3));
        var checkDuration = args.GetDuration("check-duration", TimeSpan.FromSeconds(5));
        var threads = args.GetInt("threads", 1);
        var connections = args.GetInt("connections", 32);
        var checks = (args.Get("check", "1x32,2x32,2x64"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Split('x'))
            .Select(p => (Threads: int.Parse(p[0], CultureInfo.InvariantCulture), Connections: int.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
        Console.Error.WriteLine($"[imds] harness pid {harnessPid}: {Wrk.CommandLineOf(harnessPid)}");
        Console.Error.WriteLine($"[imds] bare pid {barePid}: {Wrk.CommandLineOf(barePid)}");

        var harnessReply = await FetchAsync(harnessUrl);
        var bareReply = await FetchAsync(bareUrl);
        if (harnessReply with { Url = "" } != bareReply with { Url = "" })
        {
            Console.Error.WriteLine($"[imds] the two replies differ:\n  harness {harnessReply}\n  bare    {bareReply}");
            return 1;
        }

        Console.Error.WriteLine($"[imds] same reply from both: {harnessReply.Status}, {harnessReply.Headers}, body {harnessReply.Body}");

        foreach (var (name, url, pid) in new[] { ("harness", harnessUrl, harnessPid), ("bare", bareUrl, barePid) })
        {
            var w = await Wrk.RunAsync(name, url, pid, threads, connections, warmup);
            Console.Error.WriteLine(Inv($"[imds] warm-up {name}: {w.RequestsPerSecond:N0} req/s"));
        }

        var clientCheck = new List<WrkRun>();
        foreach (var (t, c) in checks)
        {
            var run = await Wrk.RunAsync("bare", bareUrl, barePid, t, c, checkDuration);
            clientCheck.Add(run);
            Console.Error.WriteLine(Inv($"[imds] client check bare -t{t} -c{c}: {run.RequestsPerSecond:N0} req/s, wrk {run.WrkMicrosPerRequest} µs/req, server {run.ServerMicrosPerRequest} µs/req"));
        }

        var measured = new List<WrkRun>();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var (name, url, pid) in new[] { ("harness", harnessUrl, harnessPid), ("bare", bareUrl, barePid) })
            {
                var run = await Wrk.RunAsync(name, url, pid, threads, connections, duration);
                measured.Add(run);
                Console.Error.WriteLine(Inv($"[imds] round {r + 1} {name}: {run.RequestsPerSecond:N0} req/s, p50 {run.P50Ms} ms, p99 {run.P99Ms} ms, errors {run.Errors}, cpu wrk {run.WrkCpuSeconds} s / server {run.ServerCpuSeconds} s / other {run.OtherCpuSeconds} s"));
            }
        }

        var harnessRuns = measured.Where(m => m.Server == "harness").ToList();
        var bareRuns = measured.Where(m => m.Server == "bare").ToList();
        var pairRatios = harnessRuns.Zip(bareRuns, (h, b) => h.RequestsPerSecond / b.RequestsPerSecond).ToList();
        var harnessMedian = Median(harnessRuns.Select(m => m.RequestsPerSecond));
        var bareMedian = Median(bareRuns.Select(m => m.RequestsPerSecond));
        ImdsFixtureResult? fixture = null;
        if (args.Get("fixture") is { } fixturePath && File.Exists(fixturePath))
        {
            fixture = JsonSerializer.Deserialize<ImdsFixtureResult>(await File.ReadAllTextAsync(fixturePath), RunCommand.Json);
        }

        var result = new ImdsThroughputResult(
            harnessUrl.ToString(), bareUrl.ToString(), threads, connections, duration.TotalSeconds, harnessReply, bareReply, clientCheck, measured,
            harnessMedian, bareMedian, Math.Round(harnessMedian / bareMedian, 4), Math.Round(pairRatios.Min(), 4), Math.Round(pairRatios.Max(), 4),
            args.Get("load", ""), fixture);
        var markdown = Markdown(result);
        Console.WriteLine(markdown);
        if (args.Get("json") is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, RunCommand.Json));
        }

        if (args.Get("md") is { } md)
        {
            await File.WriteAllTextAsync(md, markdown);
        }

        return measured.Any(m => m.Errors > 0) ? 1 : 0;
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
            md.AppendLine(Inv($"| -t{c.Threads} -c{c.Connections} | {c.RequestsPerSecond:N0} | {c.P99Ms:F3} | {c.WrkThreadBusyPercent:F0} % | {c.WrkMicrosPerRequest:F2} | {c.ServerMicrosPerRequest:F2} | {c.OtherCpuSeconds:F2} |"));
        }

        md.AppendLine();
        md.AppendLine("| round | server | req/s | p50 ms | p99 ms | errors | wrk thread busy | wrk µs/req | server µs/req (user) | other processes, CPU s |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < r.Rounds.Count; i++)
        {
            var m = r.Rounds[i];
            md.AppendLine(Inv($"| {(i / 2) + 1} | {m.Server} | {m.RequestsPerSecond:N0} | {m.P50Ms:F3} | {m.P99Ms:F3} | {m.Errors} | {m.WrkThreadBusyPercent:F0} % | {m.WrkMicrosPerRequest:F2} | {m.ServerMicrosPerRequest:F2} ({m.ServerUserMicrosPerRequest:F2}) | {m.OtherCpuSeconds:F2} |"));
        }

        var harness = r.Rounds.Where(m => m.Server == "harness").ToList();
        var bare = r.Rounds.Where(m => m.Server == "bare").ToList();
        md.AppendLine();
        md.AppendLine("| | harness | bare |");
        md.AppendLine("|---|---:|---:|");
        md.AppendLine(Inv($"| median req/s | {r.HarnessMedian:N0} | {r.BareMedian:N0} |"));
        md.AppendLine(Inv($"| median p50 / p99 ms | {Median(harness.Select(m => m.P50Ms)):F3} / {Median(harness.Select(m => m.P99Ms)):F3} | {Median(bare.Select(m => m.P50Ms)):F3} / {Median(bare.Select(m => m.P99Ms)):F3} |"));
        md.AppendLine(Inv($"| median server CPU µs/req (user mode) | {Median(harness.Select(m => m.ServerMicrosPerRequest)):F2} ({Median(harness.Select(m => m.ServerUserMicrosPerRequest)):F2}) | {Median(bare.Select(m => m.ServerMicrosPerRequest)):F2} ({Median(bare.Select(m => m.ServerUserMicrosPerRequest)):F2}) |"));
        md.AppendLine(Inv($"| median CPU of other processes per round | {Median(harness.Select(m => m.OtherCpuSeconds)):F2} s | {Median(bare.Select(m => m.OtherCpuSeconds)):F2} s |"));
        md.AppendLine();
        md.AppendLine(Inv($"harness ÷ bare (medians): {100 * r.Ratio:F1} % (round by round {100 * r.PairRatioMin:F1}–{100 * r.PairRatioMax:F1} %); goal ≥ {100 * Goal:F0} %: {(r.Ratio >= Goal ? "met" : "NOT met")}."));
        md.AppendLine(Inv($"Server CPU per request, bare ÷ harness (medians): {100 * Median(bare.Select(m => m.ServerMicrosPerRequest)) / Math.Max(0.001, Median(harness.Select(m => m.ServerMicrosPerRequest))):F1} %."));
        return md.ToString();
    }

    private static async Task<ReplyCheck> FetchAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        return new ReplyCheck(url.ToString(), (int)response.StatusCode, string.Join("; ", HeadersOf(response)), body);
    }

    /// <summary>Every response and content header but Date, as "Name: value" lines in ordinal order.</summary>
    public static List<string> HeadersOf(HttpResponseMessage response) =>
        [.. response.Headers.Concat(response.Content.Headers)
            .Where(h => !h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}")
            .Order(StringComparer.Ordinal)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
