using Harness.Domain.Clouds;
using Harness.Domain.Delays;
using Harness.Ecs;
using Harness.Host;
using Harness.Load.Ec2Bench;
using Harness.Load.Imds;
using Harness.Load.Reports;
using Harness.Load.Scheduler;
using Harness.Load.Workloads;

namespace Harness.Load;

/// <summary>
/// harness-load's entry: <c>churn</c>, <c>pollers</c>, <c>describe-storm</c> and <c>mixed</c> against a harness
/// (embedded unless <c>--target</c>), <c>calibrate</c> (the engine beside wrk on a bare endpoint), <c>scale</c>, and the
/// benchmarks that load/bench/ runs (<c>ec2-bench</c>, <c>ec2-report</c>, <c>imds-fixture</c>, <c>bare-imds</c>,
/// <c>imds-throughput</c>, <c>scheduler</c>). Exit codes:
/// 0 the run completed, 1 it could not be set up or was interrupted, 2 bad arguments.
/// </summary>
internal static class LoadCommand
{
    private const string Usage = """
        usage: harness-load <churn|pollers|describe-storm|mixed> [options]
               harness-load calibrate [--rounds 3] [--duration 5s] [--warmup 2s] [--connections 32] [--wrk-threads 1,2] [--min-ratio 0.8] [--json FILE]
               harness-load calibrate-server [--port N] [--exit-with-stdin]
               harness-load scale --target URL --harness-pid PID [--stages 1000,10000,100000] [--addresses-per-interface 10]
        benchmarks (load/bench/*.sh run them; each takes --help):
               harness-load ec2-bench --target URL [--label NAME] [--duration 10s] [--concurrency 1,8] [--describe-scale 100,1000] [--json FILE]
               harness-load ec2-report [--harness h.json] [--moto m.json] [--calibration c.json] [--out FILE]
               harness-load imds-fixture --target URL --out FILE --body-file FILE [--headers-file FILE] [--instances 10000]
               harness-load bare-imds --body-file FILE [--headers-file FILE] [--port 5097]
               harness-load imds-throughput --harness-url URL --harness-pid PID --bare-url URL --bare-pid PID [--rounds 3] [--duration 10s]
               harness-load scheduler [--instances 1000] [--changes 100000] [--delay uniform(5s,15s)] [--timer system|precise] [--json FILE]

        load:      --duration 60s --rate 200        inject this many changes (describes) per second for that long
                   --load "SPEC …"                  phases instead: inject(rate=N,during=D) ramp(from=N,to=N,during=D)
                                                    keep(copies=N,during=D) ramp-keep(from=N,to=N,during=D) pause(during=D)
                   --warm-up 3s                     runs the first phase's load unmeasured first
                   --max-concurrency 10000          copies in flight before the open model drops them
        fleet:     --instances 100 --interfaces N --addresses-per-interface 2 --instance-type m5.xlarge
        metadata:  --poll-interval 1s               pollers per instance (pollers and mixed always poll)
                   --settle 10s                     pollers keep reading this long after the last change
                   --delay SPEC                     sets the harness's delay model first, e.g. lognormal(median=500ms,p99=3s)
        mixed:     --describe-rate N                describes per second beside the churn (default rate/4)
                   --launch-rate N                  instances launched and terminated per second beside it (default 0)
        cloud:     --cloud ec2                      ec2, or alibaba: the harness's Alibaba ECS/VPC API and Alibaba's metadata
                                                    (the default --instance-type is then ecs.g7.xlarge)
        target:    --target URL[,URL…]              a running harness (or moto, for churn and describe-storm); several: the
                                                    processes of a harness cluster, each EC2 call to the next in turn;
                                                    otherwise one is embedded on loopback
                   --ecs-target URL                 with --cloud alibaba and --target: the harness's ECS API (serve --ecs-port)
                   --control-token TOKEN            the target harness's control token (default HARNESS_CONTROL_TOKEN)
        output:    --report DIR                     report.md, report.html, report.json, steps.csv, timeline.csv, convergence.csv
                   --seed 1 --quiet
        """;

    /// <summary>The options of a workload command that are the command's rather than the plan's.</summary>
    private static readonly string[] OwnNames = ["cloud", "target", "ecs-target", "control-token", "report", "quiet"];

    /// <summary>
    /// How long the embedded harness's Alibaba resources stay Pending or Attaching: short, so that set-up is quick (the
    /// runs measure metadata, not these); against <c>--target</c> they are what <c>serve --ecs-transition</c> says.
    /// </summary>
    private const string EmbeddedEcsTransition = "uniform(20ms,100ms)";

    /// <param name="self">How a new process of this program reaches this command line (<see cref="LoadCommandLine.RunAsync"/>).</param>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<string>? self = null)
    {
        if (args.Length == 0 || args[0] == "help")
        {
            await (args.Length == 0 ? Console.Error : Console.Out).WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args.Any(a => a is "-h" or "--help"))
        {
            // Help wins wherever it stands and whatever else is wrong, as in harness's commands.
            await Console.Out.WriteLineAsync(args[0] switch
            {
                "calibrate" => CalibrateOptions.Usage,
                "calibrate-server" => CalibrateServerCommand.Usage,
                "scale" => ScaleCommand.Usage,
                "ec2-bench" => Ec2BenchCommand.Usage,
                "ec2-report" => Ec2ReportCommand.Usage,
                "imds-fixture" => ImdsFixtureCommand.Usage,
                "bare-imds" => BareImdsCommand.Usage,
                "imds-throughput" => ImdsThroughputCommand.Usage,
                "scheduler" => SchedulerCommand.Usage,
                _ => Usage,
            });
            return 0;
        }

        return args[0] switch
        {
            "calibrate" => await CalibrateCommand.RunAsync(args[1..], self ?? []),
            "calibrate-server" => await CalibrateServerCommand.RunAsync(args[1..]),
            "scale" => await ScaleCommand.RunAsync(args[1..]),
            "ec2-bench" => await Ec2BenchCommand.RunAsync(args[1..]),
            "ec2-report" => await Ec2ReportCommand.RunAsync(args[1..]),
            "imds-fixture" => await ImdsFixtureCommand.RunAsync(args[1..]),
            "bare-imds" => await BareImdsCommand.RunAsync(args[1..]),
            "imds-throughput" => await ImdsThroughputCommand.RunAsync(args[1..]),
            "scheduler" => await SchedulerCommand.RunAsync(args[1..]),
            _ => await RunWorkloadAsync(args[0], args[1..]),
        };
    }

    private static async Task<int> RunWorkloadAsync(string workload, string[] args)
    {
        if (!LoadPlan.Workloads.Contains(workload))
        {
            await Console.Error.WriteLineAsync(
                $"harness-load: unknown command '{workload}'; the commands are {string.Join(", ", LoadPlan.Workloads)}, calibrate, calibrate-server, scale, "
                + "ec2-bench, ec2-report, imds-fixture, bare-imds, imds-throughput, scheduler, help");
            return 2;
        }

        if (!TryReadOptions(args, out var options, out var problem)
            || !TryKnown(workload, options, [.. LoadPlanReader.Names, .. OwnNames], out problem)
            || !TryTakeOwn(options, out var target, out var targets, out var controlToken, out var reportDir, out var quiet, out problem)
            || !TryTakeCloud(options, target, out var cloud, out var ecsTarget, out problem)
            || !LoadPlanReader.TryRead(workload, options, out var plan, out problem, cloud))
        {
            // One sentence, exit 2, the way harness's own commands refuse arguments.
            await Console.Error.WriteLineAsync($"harness-load {workload}: {problem}");
            return 2;
        }

        if (reportDir is not null && !CanWrite(reportDir, out var why))
        {
            await Console.Error.WriteLineAsync($"harness-load {workload}: --report {reportDir} cannot be written: {why}");
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            cancellation.Cancel();
        });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancellation.Cancel();
        });

        HarnessApplication? embedded = null;
        try
        {
            IReadOnlyList<Uri> endpoint;
            Uri? ecsEndpoint;
            if (target is null)
            {
                // Fleets of up to a million instances: no vCPU quota may stop the load before the harness does.
                embedded = HarnessApp.Build(new HarnessHostOptions(0, 0, plan.Seed)
                {
                    VcpuLimit = int.MaxValue,
                    EcsPort = 0,
                    Ecs = new EcsOptions { Transition = DelaySpec.Parse(EmbeddedEcsTransition) },
                });
                await embedded.StartAsync(cancellation.Token);
                endpoint = [new Uri(embedded.Ec2Url + "/")];
                ecsEndpoint = new Uri(embedded.EcsUrl + "/");
                // The embedded harness is the run's own, so its set-up's pending changes can be flushed rather than waited for.
                plan = plan with { Topology = plan.Topology with { FlushPending = true } };
                Log(cloud == Cloud.Alibaba
                    ? $"embedded harness: ECS/VPC {embedded.EcsUrl} (Pending and Attaching last {EmbeddedEcsTransition}), control API {embedded.Ec2Url}, metadata on port {embedded.ImdsPort}"
                    : $"embedded harness: EC2 {embedded.Ec2Url}, metadata on port {embedded.ImdsPort}");
            }
            else
            {
                endpoint = targets;
                ecsEndpoint = ecsTarget;
            }

            var display = new LiveProgress(Console.Error, quiet);
            var command = "harness-load " + string.Join(' ', new[] { workload }.Concat(args));
            // The token goes to a --target harness only: the embedded one requires none.
            var outcome = await LoadRunner.RunAsync(
                plan, endpoint, command, TimeProvider.System, Log, display.Show, cancellation.Token, target is null ? null : controlToken, ecsEndpoint);
            display.Done();
            ConsoleTable.Write(outcome.Report, Console.Out);
            if (reportDir is not null)
            {
                try
                {
                    foreach (var path in ReportFiles.WriteAll(outcome.Report, reportDir))
                    {
                        Log($"wrote {path}");
                    }
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"harness-load: the reports could not be written to {reportDir}: {error.Message}");
                    return 1;
                }
            }

            return outcome.Run.Cancelled ? 1 : 0;
        }
        catch (LoadSetupException error)
        {
            await Console.Error.WriteLineAsync($"harness-load: {error.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("harness-load: interrupted during set-up");
            return 1;
        }
        catch (Exception error) when (IsTargetTrouble(error))
        {
            var what = target is null ? "the embedded harness" : cloud == Cloud.Alibaba ? $"{ecsTarget} (control API {target})" : string.Join(", ", targets);
            await Console.Error.WriteLineAsync($"harness-load: cannot use {what} as {(cloud == Cloud.Alibaba ? "an Alibaba ECS" : "an EC2")} endpoint: {error.Message}");
            return 1;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    /// <summary>What a target that is not (or no longer) an EC2 endpoint throws: refused, reset, not HTTP, not EC2's XML, silent.</summary>
    internal static bool IsTargetTrouble(Exception error) =>
        error is HttpRequestException or System.Net.Sockets.SocketException or IOException or InvalidDataException or InvalidOperationException
            or System.Xml.XmlException or TimeoutException or System.Text.Json.JsonException;

    /// <summary>Reads <c>--name value</c> and <c>--name=value</c> pairs; a flag without a value is "true".</summary>
    internal static bool TryReadOptions(string[] args, out Dictionary<string, string> options, out string problem)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                problem = arg.StartsWith('-') && arg.Length > 1
                    ? $"unknown option '{arg}': options are --name value"
                    : $"unexpected argument '{arg}': options are --name value";
                return false;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string value;
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (name == "quiet")
            {
                value = "true";
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                problem = $"--{name} needs a value";
                return false;
            }

            if (!options.TryAdd(name, value))
            {
                problem = $"--{name} is given twice";
                return false;
            }
        }

        return true;
    }

    /// <summary>Refuses an option the command does not take, naming every one it does.</summary>
    internal static bool TryKnown(string command, Dictionary<string, string> options, IReadOnlyList<string> names, out string problem)
    {
        var unknown = options.Keys.FirstOrDefault(k => !names.Contains(k));
        problem = unknown is null ? "" : $"unknown option '--{unknown}'; {command} takes {string.Join(", ", names.Select(n => "--" + n))}, --help";
        return unknown is null;
    }

    /// <summary>Takes the options that are the command's rather than the plan's.</summary>
    private static bool TryTakeOwn(
        Dictionary<string, string> options, out Uri? target, out IReadOnlyList<Uri> targets, out string? controlToken, out string? reportDir, out bool quiet,
        out string problem)
    {
        problem = "";
        target = null;
        targets = [];
        controlToken = options.Remove("control-token", out var token) ? token
            : Environment.GetEnvironmentVariable("HARNESS_CONTROL_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        quiet = options.Remove("quiet", out var q) && q != "false";
        options.Remove("report", out reportDir);
        if (options.Remove("target", out var text))
        {
            // A comma-separated list: the processes of a harness cluster, each EC2 call to the next in turn.
            var urls = new List<Uri>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(part, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    problem = $"--target must be the harness's base URL, such as http://127.0.0.1:4580, or several separated by commas, not '{part}'";
                    return false;
                }

                urls.Add(url);
            }

            targets = urls;
            target = urls[0];
        }

        return true;
    }

    /// <summary>
    /// Takes <c>--cloud</c> and <c>--ecs-target</c>. Alibaba's API is on a port of its own (<c>serve --ecs-port</c>) that
    /// the control API does not name, so a <c>--target</c> harness's must be given.
    /// </summary>
    internal static bool TryTakeCloud(Dictionary<string, string> options, Uri? target, out Cloud cloud, out Uri? ecsTarget, out string problem)
    {
        problem = "";
        ecsTarget = null;
        cloud = Cloud.Aws;
        switch (options.Remove("cloud", out var name) ? name : "ec2")
        {
            case "ec2":
                break;
            case "alibaba":
                cloud = Cloud.Alibaba;
                break;
            default:
                problem = $"--cloud must be ec2 or alibaba, not '{name}'";
                return false;
        }

        if (options.Remove("ecs-target", out var text))
        {
            if (cloud != Cloud.Alibaba)
            {
                problem = "--ecs-target is the Alibaba ECS API of a --cloud alibaba run: add --cloud alibaba or drop it";
                return false;
            }

            if (target is null)
            {
                problem = "--ecs-target names a running harness's ECS API: give its control API as --target too (without either, one is embedded)";
                return false;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out ecsTarget) || ecsTarget.Scheme is not ("http" or "https"))
            {
                problem = $"--ecs-target must be the harness's ECS API base URL, such as http://127.0.0.1:4582, not '{text}'";
                return false;
            }
        }
        else if (cloud == Cloud.Alibaba && target is not null)
        {
            problem = "--cloud alibaba with --target needs --ecs-target URL, the harness's ECS API (serve --ecs-port, http://127.0.0.1:4582 by default)";
            return false;
        }

        return true;
    }

    /// <summary>Creates the directory and a file in it, so a bad path is found before a long run rather than after.</summary>
    internal static bool CanWrite(string directory, out string why)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, ".harness-load-probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            why = "";
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            why = error.Message;
            return false;
        }
    }

    private static void Log(string line) => Console.Error.WriteLine(line);
}
