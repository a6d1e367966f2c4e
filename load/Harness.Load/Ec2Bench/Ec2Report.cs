using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// The Markdown of one ec2-vs-moto run, as docs/benchmarks.md quotes it: the client's calibration, the workloads side by side
/// with harness ÷ moto and the goals, the describe-scale sweep, and every refused exchange.
/// </summary>
internal static class Ec2Report
{
    /// <summary>Harness ÷ moto wanted at concurrency 1; at 8 and more, <see cref="ConcurrentThroughputGoal"/>.</summary>
    public const double ThroughputGoal = 50;
    public const double ConcurrentThroughputGoal = 100;
    public const double P99GoalMs = 5;
    public const double FlatnessGoal = 1.5;

    public static string Build(
        Ec2BenchResult? harness, Ec2BenchResult? moto, IReadOnlyList<CalibrationReport> calibrations, string motoVersion, string? note, DateTimeOffset now)
    {
        var md = new StringBuilder();
        md.AppendLine("# EC2: harness vs moto");
        md.AppendLine();
        md.AppendLine(Inv($"Run {now:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; moto {motoVersion}."));
        if (note is not null)
        {
            md.AppendLine(note);
        }

        md.AppendLine("Client and servers share the machine; all traffic is to 127.0.0.1. Closed loop: each worker sends its next request when the previous one answers.");
        md.AppendLine();
        if (calibrations.Count > 0)
        {
            AppendCalibration(md, calibrations);
        }

        if (harness is not null || moto is not null)
        {
            AppendWorkloads(md, harness, moto);
        }

        if (harness?.DescribeScale is { } scale)
        {
            AppendScale(md, scale);
        }

        AppendProblems(md, harness);
        AppendProblems(md, moto);
        return md.ToString();
    }

    private static void AppendCalibration(StringBuilder md, IReadOnlyList<CalibrationReport> calibrations)
    {
        md.AppendLine("## Client calibration (harness-load calibrate: the load engine beside wrk on a bare Kestrel endpoint, GET /)");
        md.AppendLine();
        md.AppendLine("| client | connections | round | req/s | p50 ms | p99 ms | client µs/req | engine ÷ this |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var calibration in calibrations)
        {
            foreach (var round in calibration.Rounds)
            {
                foreach (var sample in round.Wrk)
                {
                    md.AppendLine(Inv($"| {sample.Client} | {sample.Connections} | {round.Round} | {sample.RequestsPerSecond:N0} | {sample.P50Ms:F3} | {sample.P99Ms:F3} | {sample.ClientMicrosPerRequest:F1} | {round.RatioTo(sample):P0} |"));
                }

                var engine = round.Engine;
                md.AppendLine(Inv($"| {engine.Client} | {engine.Connections} | {round.Round} | {engine.RequestsPerSecond:N0} | {engine.P50Ms:F3} | {engine.P99Ms:F3} | {engine.ClientMicrosPerRequest:F1} | |"));
            }
        }

        md.AppendLine();
        foreach (var c in calibrations)
        {
            md.AppendLine(Inv($"With {c.Connections} connection{(c.Connections == 1 ? "" : "s")} the engine reached {c.MedianRatio:P0} of the best wrk ({(c.Rounds.Count == 1 ? "one round" : $"median of {c.Rounds.Count} rounds")})."));
        }

        md.AppendLine();
    }

    private static void AppendWorkloads(StringBuilder md, Ec2BenchResult? harness, Ec2BenchResult? moto)
    {
        md.AppendLine(Inv($"## Workloads (harness {harness?.DurationSeconds ?? 0:F0} s, moto {moto?.DurationSeconds ?? 0:F0} s per cell)"));
        md.AppendLine();
        if (harness?.WarmPassSeconds > 0 || moto?.WarmPassSeconds > 0)
        {
            md.AppendLine(Inv($"Each server first had one unmeasured pass of every cell (harness {harness?.WarmPassSeconds ?? 0:0.#} s, moto {moto?.WarmPassSeconds ?? 0:0.#} s each)."));
            md.AppendLine();
        }

        if (harness?.Versus is not null)
        {
            var rounds = harness.Rounds == 1 ? "once" : Inv($"{harness.Rounds} times, the round with the median rate standing for the cell");
            md.AppendLine(Inv($"The two servers took turns cell by cell, each cell measured {rounds}; \"by round\" is the lowest and highest ratio of the rounds run side by side."));
            md.AppendLine();
        }

        md.AppendLine("| workload | conc | harness req/s | p50 ms | p99 ms | moto req/s | p50 ms | p99 ms | ratio | errors h/m | goals |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var keys = (harness?.Workloads ?? []).Concat(moto?.Workloads ?? [])
            .Select(w => (w.Workload, w.Concurrency)).Distinct()
            .OrderBy(k => Array.IndexOf(QueryWorkloads.All, k.Workload)).ThenBy(k => k.Concurrency);
        foreach (var (workload, concurrency) in keys)
        {
            var h = harness?.Workloads.FirstOrDefault(w => w.Workload == workload && w.Concurrency == concurrency);
            var m = moto?.Workloads.FirstOrDefault(w => w.Workload == workload && w.Concurrency == concurrency);
            AppendRow(md, workload, concurrency, h?.Stats, m?.Stats, goals: true, RoundRatios(h, m));
            if (h?.Unassign is not null || m?.Unassign is not null)
            {
                AppendRow(md, "↳ paired Unassign", concurrency, h?.Unassign, m?.Unassign, goals: false);
            }
        }

        md.AppendLine();
        md.AppendLine(Inv($"Goals: harness ≥ {ThroughputGoal}× moto's req/s at concurrency 1 and ≥ {ConcurrentThroughputGoal}× at 8; p99 < {P99GoalMs} ms at concurrency 8. assign-by-count rows count Assign calls only; each is followed by the Unassign shown under it, so the server handles twice that rate."));
        md.AppendLine();
    }

    /// <summary>"by round 48–71×" when both servers were measured in the same number of rounds, taking turns.</summary>
    private static string RoundRatios(WorkloadResult? h, WorkloadResult? m)
    {
        if (h?.RoundRates is not { Length: > 1 } hr || m?.RoundRates is not { } mr || mr.Length != hr.Length || mr.Any(r => r <= 0))
        {
            return "";
        }

        var ratios = hr.Zip(mr, (a, b) => a / b).ToArray();
        return Inv($" (by round {ratios.Min():F0}–{ratios.Max():F0}×)");
    }

    private static void AppendRow(StringBuilder md, string name, int concurrency, BenchStats? h, BenchStats? m, bool goals, string rounds = "")
    {
        var ratio = h is not null && m is not null && m.RequestsPerSecond > 0 ? h.RequestsPerSecond / m.RequestsPerSecond : double.NaN;
        var verdict = "";
        if (goals && h is not null)
        {
            var parts = new List<string>();
            if (!double.IsNaN(ratio))
            {
                var goal = concurrency >= 8 ? ConcurrentThroughputGoal : ThroughputGoal;
                parts.Add(Inv($"≥{goal}× ") + (ratio >= goal ? "✅" : "❌"));
            }

            if (concurrency >= 8)
            {
                parts.Add(h.P99Ms < P99GoalMs ? "p99 ✅" : "p99 ❌");
            }

            if (h.Errors > 0)
            {
                parts.Add("errors ❌");
            }

            verdict = string.Join(" ", parts);
        }

        md.AppendLine(Inv(
            $"| {name} | {concurrency} | {Rps(h)} | {Ms(h?.P50Ms)} | {Ms(h?.P99Ms)} | {Rps(m)} | {Ms(m?.P50Ms)} | {Ms(m?.P99Ms)} | {(double.IsNaN(ratio) ? "–" : Inv($"{ratio:F0}×{rounds}"))} | {h?.Errors.ToString(CultureInfo.InvariantCulture) ?? "–"}/{m?.Errors.ToString(CultureInfo.InvariantCulture) ?? "–"} | {verdict} |"));
    }

    private static void AppendScale(StringBuilder md, ScaleResult scale)
    {
        md.AppendLine("## DescribeNetworkInterfaces by random id vs interface count (harness only, concurrency 1)");
        md.AppendLine();
        md.AppendLine("| interfaces | created at req/s (c=8) | create errors | describe req/s | p50 ms | p99 ms | max ms |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in scale.Points)
        {
            md.AppendLine(Inv($"| {p.Interfaces:N0} | {p.CreatePerSecond:N0} | {p.CreateErrors} | {p.Describe.RequestsPerSecond:N0} | {p.Describe.P50Ms:F3} | {p.Describe.P99Ms:F3} | {p.Describe.MaxMs:F3} |"));
        }

        md.AppendLine();
        var flat = scale.P50Ratio <= FlatnessGoal ? "✅" : "❌";
        md.AppendLine(Inv($"p50({scale.Points[^1].Interfaces:N0}) / p50({scale.Points[0].Interfaces:N0}) = **{scale.P50Ratio:F2}** (goal ≤ {FlatnessGoal}) {flat}; p99 ratio {scale.P99Ratio:F2}."));
        md.AppendLine();
    }

    /// <summary>The exact refused exchanges, so a failing row can be turned into a bug report.</summary>
    private static void AppendProblems(StringBuilder md, Ec2BenchResult? run)
    {
        if (run is null)
        {
            return;
        }

        var samples = run.Workloads
            .SelectMany(w => new[] { (w.Workload, w.Concurrency, w.Stats), (w.Workload + " unassign", w.Concurrency, w.Unassign) })
            .Where(x => x.Item3?.FirstError is not null)
            .Select(x => Inv($"- {x.Item1} c={x.Concurrency}: {x.Item3!.Errors} errors; first: `{x.Item3.FirstError!.Request}` → HTTP {x.Item3.FirstError.Status} `{OneLine(x.Item3.FirstError.Response)}`"))
            .Concat(run.DescribeScale?.Points
                .Where(p => p.FirstCreateError is not null || p.Describe.FirstError is not null)
                .Select(p => Inv($"- describe-scale {p.Interfaces}: {p.CreateErrors} create errors, {p.Describe.Errors} describe errors; first: `{(p.FirstCreateError ?? p.Describe.FirstError)!.Request}` → `{OneLine((p.FirstCreateError ?? p.Describe.FirstError)!.Response)}`")) ?? [])
            .ToList();
        if (run.Failure is not null)
        {
            samples.Insert(0, $"- run aborted: {OneLine(run.Failure)}");
        }

        if (samples.Count == 0)
        {
            return;
        }

        md.AppendLine($"## Problems seen ({run.Label})");
        md.AppendLine();
        foreach (var s in samples)
        {
            md.AppendLine(s);
        }

        md.AppendLine();
    }

    private static string Rps(BenchStats? s) => s is null ? "–" : Inv($"{s.RequestsPerSecond:N0}");

    private static string Ms(double? v) => v is null ? "–" : Inv($"{v:F2}");

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace("`", "'", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
