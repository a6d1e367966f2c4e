using System.Diagnostics;
using Harness.Host;

namespace Harness.Load.Tests;

/// <summary>harness-load as a process: bad arguments exit 2 with a message; a short run writes every report.</summary>
public sealed class LoadCommandTests
{
    [Theory]
    [InlineData("", "usage: harness-load")]
    [InlineData("flood", "harness-load: unknown command 'flood'; the commands are churn, pollers, describe-storm, mixed, calibrate")]
    [InlineData("churn --rate fast", "rate must be a number")]
    [InlineData("churn --duration", "--duration needs a value")]
    [InlineData("churn --rate 5 --rate 6", "--rate is given twice")]
    [InlineData("churn stray", "unexpected argument 'stray'")]
    [InlineData("churn --target ftp://x", "harness-load churn: --target must be the harness's base URL, such as http://127.0.0.1:4580, or several separated by commas, not 'ftp://x'")]
    [InlineData("churn --target http://127.0.0.1:4580,127.0.0.1:4680", "harness-load churn: --target must be the harness's base URL, such as http://127.0.0.1:4580, or several separated by commas, not '127.0.0.1:4680'")]
    [InlineData("churn --target", "harness-load churn: --target needs a value")]
    [InlineData("churn --warp 9", "harness-load churn: unknown option '--warp'; churn takes --duration, --rate, --load, --warm-up, --instances, --interfaces, "
        + "--addresses-per-interface, --instance-type, --poll-interval, --describe-rate, --launch-rate, --max-concurrency, --delay, --seed, --settle, --cloud, --target, "
        + "--ecs-target, --control-token, --report, --quiet, --help")]
    [InlineData("churn --cloud aws", "harness-load churn: --cloud must be ec2 or alibaba, not 'aws'")]
    [InlineData("churn --cloud alibaba --target http://127.0.0.1:4580", "harness-load churn: --cloud alibaba with --target needs --ecs-target URL, the harness's ECS API")]
    [InlineData("pollers --ecs-target http://127.0.0.1:4582", "harness-load pollers: --ecs-target is the Alibaba ECS API of a --cloud alibaba run: add --cloud alibaba or drop it")]
    [InlineData("churn --cloud alibaba --ecs-target http://127.0.0.1:4582", "harness-load churn: --ecs-target names a running harness's ECS API: give its control API as --target too")]
    [InlineData("churn --cloud alibaba --target http://127.0.0.1:4580 --ecs-target ftp://x", "harness-load churn: --ecs-target must be the harness's ECS API base URL")]
    [InlineData("churn --cloud alibaba --instance-type m5.xlarge", "harness-load churn: unknown Alibaba instance type 'm5.xlarge'; the harness knows ecs.g7.large")]
    [InlineData("pollers -x", "harness-load pollers: unknown option '-x'")]
    [InlineData("scale --target http://127.0.0.1:1 --colour red", "harness-load scale: unknown option '--colour'; scale takes --target, --harness-pid, --stages, "
        + "--addresses-per-interface, --describe-for, --json, --control-token, --help")]
    [InlineData("calibrate --colour red", "harness-load calibrate: unknown option '--colour'; calibrate takes --rounds, --duration, --warmup, --connections, "
        + "--wrk-threads, --port, --min-ratio, --json, --in-process, --help")]
    [InlineData("calibrate-server --port abc", "harness-load calibrate-server: --port must be a port number from 0 (any free port) to 65535, not 'abc'")]
    [InlineData("calibrate-server --port 70000", "harness-load calibrate-server: --port must be a port number from 0 (any free port) to 65535, not '70000'")]
    [InlineData("calibrate-server --port", "harness-load calibrate-server: --port needs a value")]
    [InlineData("calibrate-server --bind x", "harness-load calibrate-server: unknown option '--bind'; calibrate-server takes --port, --exit-with-stdin, --help")]
    [InlineData("mixed --load keep(copies=1)", "load: expected ','")]
    [InlineData("scale --harness-pid 1", "--target URL of a running harness is required")]
    [InlineData("describe-storm --report /dev/null/x", "--report /dev/null/x cannot be written")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --client raw", "harness-load ec2-bench: unknown option '--client'; ec2-bench takes --target, --label, --duration, "
        + "--concurrency, --warmup, --warm-pass, --workloads, --describe-scale, --scale-duration, --scale-budget, --json, --versus, --versus-label, --versus-duration, "
        + "--versus-json, --rounds, --help")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --versus-json x.json", "harness-load ec2-bench: --versus-label, --versus-duration and --versus-json need --versus URL")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --versus http://127.0.0.1:2/ --versus-duration 0s", "harness-load ec2-bench: --versus-duration must be longer than 0")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --rounds 0", "harness-load ec2-bench: --rounds must be a whole number from 1 to 99, not '0'")]
    [InlineData("ec2-bench --duration 1s", "harness-load ec2-bench: --target is required")]
    [InlineData("ec2-bench --target ftp://x", "harness-load ec2-bench: --target must be an http URL such as http://127.0.0.1:4580/, or several separated by commas, not 'ftp://x'")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/,x", "harness-load ec2-bench: --target must be an http URL such as http://127.0.0.1:4580/, or several separated by commas, not 'x'")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --concurrency 1,x", "harness-load ec2-bench: --concurrency must be whole numbers of at least 1 separated by commas, such as 1,8, not '1,x'")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --duration soon", "harness-load ec2-bench: --duration must be a duration such as 500ms, 10s or 2m, not 'soon'")]
    [InlineData("ec2-bench --target http://127.0.0.1:1/ --workloads describe-by-id,flood", "harness-load ec2-bench: unknown workload 'flood'; the workloads are assign-by-count, describe-by-id, reassign-ping-pong")]
    [InlineData("ec2-report --colour red", "harness-load ec2-report: unknown option '--colour'; ec2-report takes --harness, --moto, --calibration, --moto-version, --note, --out, --help")]
    [InlineData("imds-fixture --target http://127.0.0.1:1/ --body-file b", "harness-load imds-fixture: --out is required")]
    [InlineData("imds-fixture --target http://127.0.0.1:1/ --out f --body-file b --pick any", "harness-load imds-fixture: --pick must be last, first or middle, not 'any'")]
    [InlineData("imds-fixture --colour red", "harness-load imds-fixture: unknown option '--colour'; imds-fixture takes --target, --instances, --batch, --parallel, "
        + "--instance-type, --pick, --out, --body-file, --headers-file, --control-token, --help")]
    [InlineData("bare-imds --port 1", "harness-load bare-imds: --body-file is required")]
    [InlineData("bare-imds --colour red", "harness-load bare-imds: unknown option '--colour'; bare-imds takes --port, --body-file, --headers-file, --help")]
    [InlineData("imds-throughput --harness-url http://127.0.0.1:1/", "harness-load imds-throughput: --bare-url is required")]
    [InlineData("imds-throughput --colour red", "harness-load imds-throughput: unknown option '--colour'; imds-throughput takes --harness-url, --harness-pid, --bare-url, "
        + "--bare-pid, --rounds, --duration, --threads, --connections, --warmup, --check, --check-duration, --fixture, --load, --json, --md, --help")]
    [InlineData("imds-throughput --harness-url http://127.0.0.1:1/ --bare-url http://127.0.0.1:2/ --check 2x1", "harness-load imds-throughput: --check must be wrk settings such as 1x32,2x64")]
    [InlineData("scheduler --timer fast", "harness-load scheduler: --timer must be system or precise, not 'fast'")]
    [InlineData("scheduler --subnets 17", "harness-load scheduler: --subnets must be a whole number from 1 to 16, not '17'")]
    [InlineData("scheduler --colour red", "harness-load scheduler: unknown option '--colour'; scheduler takes --instances, --changes, --delay, --subnets, --workers, "
        + "--instance-type, --goal-ms, --drain-timeout, --timer, --delivery-cost, --json, --md, --help")]
    public async Task Bad_arguments_exit_2_and_say_why(string args, string message)
    {
        var (code, _, error) = await RunAsync(args, TimeSpan.FromSeconds(30));
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        if (args.Length > 0 && !args.StartsWith("mixed", StringComparison.Ordinal))
        {
            // One sentence, as harness's commands say it (a load spec's problem alone points at it on further lines).
            Assert.Single(error.TrimEnd().Split('\n'));
        }
    }

    [Theory]
    [InlineData("churn --help", "usage: harness-load <churn|pollers|describe-storm|mixed>")]
    [InlineData("churn --rate fast -h", "--report DIR")]
    [InlineData("--help", "harness-load calibrate-server")]
    [InlineData("help", "harness-load scale")]
    [InlineData("calibrate --colour red --help", "usage: harness-load calibrate [--rounds 3]")]
    [InlineData("calibrate-server --help", "usage: harness-load calibrate-server [--port N]")]
    [InlineData("scale -h", "usage: harness-load scale --target URL")]
    [InlineData("help", "harness-load ec2-bench --target URL")]
    [InlineData("ec2-bench --help", "usage: harness-load ec2-bench --target http://127.0.0.1:PORT/")]
    [InlineData("ec2-report --help", "usage: harness-load ec2-report [--harness h.json]")]
    [InlineData("imds-fixture --help", "usage: harness-load imds-fixture --target")]
    [InlineData("bare-imds --help", "usage: harness-load bare-imds --body-file")]
    [InlineData("imds-throughput --help", "usage: harness-load imds-throughput --harness-url URL")]
    [InlineData("scheduler -h", "usage: harness-load scheduler [--instances 1000]")]
    public async Task Help_anywhere_prints_the_usage_and_exits_0(string args, string usage)
    {
        var (code, output, error) = await RunAsync(args, TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
        Assert.Contains(usage, output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task A_short_mixed_run_prints_the_table_and_writes_every_report()
    {
        var dir = Path.Combine(Path.GetTempPath(), "harness-load-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = await RunAsync(
                $"mixed --duration 2s --rate 40 --instances 4 --poll-interval 50ms --delay fixed(100ms) --warm-up 0s --settle 1s --report {dir}",
                TimeSpan.FromSeconds(120));
            Assert.True(code == 0, error);
            Assert.Contains("churn / reassign", output, StringComparison.Ordinal);
            Assert.Contains("pollers / local-ipv4s", output, StringComparison.Ordinal);
            Assert.Contains("convergence: model fixed(100ms)", output, StringComparison.Ordinal);
            Assert.Contains("embedded harness", error, StringComparison.Ordinal);
            // The embedded harness is the run's own: its set-up's metadata is flushed rather than waited for.
            Assert.Contains("set-up: flushed", error, StringComparison.Ordinal);
            Assert.Contains("Ran mixed (inject(rate=40,during=2s)", output, StringComparison.Ordinal);
            Assert.Contains("\"headline\": [", await File.ReadAllTextAsync(Path.Combine(dir, "report.json")), StringComparison.Ordinal);
            foreach (var file in new[] { "report.md", "report.html", "report.json", "steps.csv", "timeline.csv", "convergence.csv" })
            {
                Assert.True(new FileInfo(Path.Combine(dir, file)).Length > 100, file);
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_target_that_is_not_an_EC2_endpoint_exits_1_with_the_reason()
    {
        // Port 1 on loopback: nothing listens, the connection is refused.
        var (code, _, error) = await RunAsync("churn --duration 1s --target http://127.0.0.1:1", TimeSpan.FromSeconds(60));
        Assert.Equal(1, code);
        Assert.Contains("cannot use http://127.0.0.1:1/ as an EC2 endpoint", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_with_a_control_token_is_driven_with_the_token_and_refused_without_it()
    {
        await using var harness = HarnessApp.Build(new HarnessHostOptions(0, 0) { ControlToken = "s3cret" });
        await harness.StartAsync();
        var run = $"pollers --instances 2 --duration 1s --rate 2 --poll-interval 500ms --settle 1s --delay fixed(100ms) --quiet --target {harness.Ec2Url}";

        var (code, output, error) = await RunAsync(run + " --control-token s3cret", TimeSpan.FromMinutes(2));
        var (refusedCode, _, refused) = await RunAsync(run, TimeSpan.FromMinutes(1));

        Assert.True(code == 0, output + error);
        Assert.Equal(1, refusedCode);
        Assert.Contains("401", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alibaba_run_against_a_target_drives_its_ECS_API_and_reads_its_metadata()
    {
        await using var harness = HarnessApp.Build(new HarnessHostOptions(0, 0)
        {
            Ecs = new Harness.Ecs.EcsOptions { Transition = Harness.Domain.Delays.DelaySpec.Parse("uniform(10ms,50ms)") },
        });
        await harness.StartAsync();

        var (code, output, error) = await RunAsync(
            $"pollers --cloud alibaba --instances 3 --duration 1s --rate 3 --poll-interval 50ms --settle 1s --delay fixed(100ms) --warm-up 0s --quiet "
            + $"--target {harness.Ec2Url} --ecs-target {harness.EcsUrl}",
            TimeSpan.FromMinutes(2));

        Assert.True(code == 0, output + error);
        Assert.Contains("harness-load pollers on Alibaba Cloud ECS", output, StringComparison.Ordinal);
        Assert.Contains("pollers / private-ipv4s", output, StringComparison.Ordinal);
        Assert.Contains("convergence: model fixed(100ms)", output, StringComparison.Ordinal);
        Assert.Contains("set-up: 3/3 instances Running", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string args, TimeSpan limit)
    {
        var dll = typeof(LoadCommand).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
