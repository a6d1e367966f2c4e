using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Harness.Runtime;
using Harness.Scenarios.Model;
using Harness.Scenarios.Parsing;
using Harness.Scenarios.Reports;
using Harness.Scenarios.Running;

namespace Harness.Host;

/// <summary>
/// <c>run &lt;scenario.yaml&gt; [--report DIR] [--target URL [--ecs-target URL]] [--control-token TOKEN] [--seed N] [--clock real|virtual] [--var NAME=VALUE] [--keep]</c>:
/// runs a scenario on an embedded harness (or a running one), shows progress, writes the reports, and exits 0 when
/// every expectation held, 1 when one failed, 2 when the scenario file or the arguments are invalid.
/// </summary>
internal static class RunCommand
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int Invalid = 2;

    public static Command Create()
    {
        var file = new Argument<string>("scenario") { Description = "The scenario file (YAML)" };
        var report = new Option<string?>("--report") { Description = "Folder for report.md, report.html, report.json and junit.xml (default ./reports/<name>-<timestamp>)" };
        var target = CommandOptions.Url("--target", "Base URL of a running harness (e.g. http://127.0.0.1:4580); without it one is embedded");
        var ecsTarget = CommandOptions.Url("--ecs-target", "With --target: the running harness's ECS/VPC API (e.g. http://127.0.0.1:4582), which a cloud: alibaba scenario drives");
        var controlToken = CommandOptions.ControlToken();
        var seed = CommandOptions.OptionalWhole("--seed", 0, int.MaxValue, "Overrides the scenario's seed");
        var clock = new Option<string?>("--clock") { Description = "Overrides the scenario's clock: real, or virtual (simulated time: instant and deterministic for the seed)" };
        CommandOptions.OneOf(clock, "real", "virtual");
        var variables = new Option<string[]>("--var") { Description = "Sets a variable the scenario uses as ${NAME} (repeatable): NAME=VALUE", AllowMultipleArgumentsPerToken = false };
        var keep = new Option<bool>("--keep") { Description = "Leave the VPCs, instances, interfaces and Elastic IPs the run created in place, rather than removing them at the end" };
        variables.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.IndexOf('=', StringComparison.Ordinal) <= 0) is { } bad)
            {
                result.AddError($"--var must be NAME=VALUE, not '{bad.Value}'.");
            }
        });
        var command = new Command("run", "Run a scenario: build its topology, drive its steps, judge its clients, write its reports")
        {
            file, report, target, ecsTarget, controlToken, seed, clock, variables, keep,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            parse.GetValue(file)!, parse.GetValue(report), parse.GetValue(target), parse.GetValue(ecsTarget), parse.GetValue(controlToken), parse.GetValue(seed), parse.GetValue(clock),
            parse.GetValue(variables) ?? [], parse.GetValue(keep), cancellation));
        return command;
    }

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    /// <summary>Runs a scenario on a harness of its own, on free ports, seeded with the scenario's seed and on its clock.</summary>
    public static async Task<RunReport> RunEmbeddedAsync(Scenario scenario, RunProgress progress, bool keep = false, CancellationToken cancellation = default)
    {
        var virtualTime = scenario.Clock == ClockMode.Virtual ? new VirtualTimeProvider(TimeProvider.System.GetUtcNow()) : null;
        await using var app = HarnessApp.Build(new HarnessHostOptions(0, 0, scenario.Seed), virtualTime);
        await app.StartAsync(cancellation);
        ScenarioClock clock = virtualTime is null
            ? new RealScenarioClock(app.Services.GetRequiredService<TimeProvider>())
            : new VirtualScenarioClock(virtualTime);
        var report = await ScenarioRunner.RunAsync(
            scenario, new Uri(app.Ec2Url + "/"), "embedded", clock, progress, keep, cancellation, ecsEndpoint: new Uri(app.EcsUrl + "/"));
        await app.StopAsync(CancellationToken.None);
        return report;
    }

    private static async Task<int> RunAsync(
        string file, string? reportDirectory, Uri? targetUrl, Uri? ecsTarget, string? controlToken, int? seed, string? clockName, string[] variables, bool keep, CancellationToken cancellation)
    {
        // The arguments were checked as they were parsed (ArgumentProblem): every --var has its '='.
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            values[variable[..equals]] = variable[(equals + 1)..];
        }

        Scenario scenario;
        try
        {
            var clockMode = clockName switch { "real" => ClockMode.Real, "virtual" => ClockMode.Virtual, _ => (ClockMode?)null };
            scenario = ScenarioParser.Load(file, new ScenarioOverrides(seed, clockMode, values));
        }
        catch (ScenarioInvalidException invalid)
        {
            foreach (var error in invalid.Errors)
            {
                Console.Error.WriteLine(error);
            }

            Console.Error.WriteLine($"{file}: the scenario is invalid ({invalid.Errors.Count} problem{(invalid.Errors.Count == 1 ? "" : "s")}); nothing ran.");
            return Invalid;
        }

        if (targetUrl is not null && scenario.Clock == ClockMode.Virtual)
        {
            Console.Error.WriteLine("The virtual clock needs the embedded harness: a running harness keeps real time. Drop --target or use --clock real.");
            return Invalid;
        }

        // SIGTERM (a CI job stopped) and SIGHUP (a terminal closed) stop the run as Ctrl-C does: clients killed, reports written.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => Stop(signal, stop));
        cancellation = stop.Token;

        var directory = reportDirectory
            ?? Path.Combine("reports", $"{scenario.Name}-{TimeProvider.System.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        var progress = new RunProgress(Console.Error);
        RunReport result;
        if (targetUrl is not null)
        {
            var baseUrl = targetUrl.AbsoluteUri.EndsWith('/') ? targetUrl : new Uri(targetUrl.AbsoluteUri + "/");
            result = await ScenarioRunner.RunAsync(
                scenario, baseUrl, baseUrl.AbsoluteUri, new RealScenarioClock(TimeProvider.System), progress, keep, cancellation, controlToken, ecsTarget);
        }
        else
        {
            result = await RunEmbeddedAsync(scenario, progress, keep, cancellation);
        }

        var files = ReportWriter.WriteAll(result, directory);
        Console.WriteLine($"{scenario.Name}: {(result.Passed ? "PASSED" : "FAILED")}, {result.Expectations.Count(e => e.Passed)} of "
            + $"{result.Expectations.Count} expectations held ({result.Clock} clock, {result.Duration.ToString("0.###", CultureInfo.InvariantCulture)} s)");
        foreach (var failed in result.Expectations.Where(e => !e.Passed))
        {
            Console.WriteLine($"  ✘ line {failed.Line}: {failed.Description}: {failed.Evidence}");
        }

        if (result.Error is { } stopped)
        {
            Console.WriteLine($"  ✘ {stopped}");
        }

        Console.WriteLine($"reports: {string.Join(", ", files.Where(f => f.Error is null).Select(f => f.Path))}");
        foreach (var (path, problem) in files.Where(f => f.Error is not null))
        {
            Console.Error.WriteLine($"could not write {path}: {problem}");
        }

        return result.Passed && files.All(f => f.Error is null) ? Passed : Failed;
    }
}
