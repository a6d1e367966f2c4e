using System.Diagnostics;
using Harness.Host;

namespace Harness.Scenarios.Tests;

/// <summary>The <c>run</c> command as users start it: a real process, its exit code, its output and its report folder.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task A_passing_scenario_exits_0_shows_progress_and_writes_four_reports()
    {
        var reports = Directory.CreateTempSubdirectory("harness-run-").FullName;

        var (code, stdout, stderr) = await RunAsync("run", Scenarios.Shipped("prefix-delegation.yaml"), "--report", reports);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("prefix-delegation: PASSED, 5 of 5 expectations held (virtual clock", stdout);
        Assert.Contains("✓ metadata of node has 10.0.1.64/28 within 30s", stderr);
        Assert.Equal(["junit.xml", "report.html", "report.json", "report.md"], Directory.GetFiles(reports).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_failing_expectation_exits_1_and_names_it()
    {
        var file = Write(Scenarios.With("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, has: 10.0.1.50, within: 1s }
            """));

        var (code, stdout, _) = await RunAsync("run", file, "--report", Directory.CreateTempSubdirectory().FullName);

        Assert.Equal(RunCommand.Failed, code);
        Assert.Contains("test: FAILED, 0 of 1 expectations held", stdout);
        Assert.Contains("✘ line 21: metadata of primary has 10.0.1.50 within 1s: still not true after 1s", stdout);
    }

    [Fact]
    public async Task An_invalid_scenario_exits_2_with_file_line_and_column_and_runs_nothing()
    {
        var file = Write(Scenarios.With("  - assign: { instance: primary, ips: [10.0.2.50] }"));

        var (code, stdout, stderr) = await RunAsync("run", file);

        Assert.Equal(RunCommand.Invalid, code);
        Assert.Contains($"{file}:20:5: 10.0.2.50 is outside the subnet of primary (10.0.1.0/24).", stderr);
        Assert.Contains("nothing ran", stderr);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--clock", "sometimes")]
    [InlineData("--seed", "many")]
    [InlineData("--var", "novalue")]
    [InlineData("--target", "ftp://example")]
    public async Task Bad_arguments_exit_2(string option, string value)
    {
        var (code, _, stderr) = await RunAsync("run", Scenarios.Shipped("prefix-delegation.yaml"), option, value);

        Assert.Equal(RunCommand.Invalid, code);
        Assert.NotEqual("", stderr);
    }

    [Fact]
    public async Task The_virtual_clock_needs_the_embedded_harness()
    {
        var (code, _, stderr) = await RunAsync("run", Scenarios.Shipped("prefix-delegation.yaml"), "--target", "http://127.0.0.1:9");

        Assert.Equal(RunCommand.Invalid, code);
        Assert.Contains("The virtual clock needs the embedded harness", stderr);
    }

    [Fact]
    public async Task A_running_harness_can_be_the_target()
    {
        await using var harness = HarnessApp.Build(new HarnessHostOptions(0, 0, 5));
        await harness.StartAsync();
        var file = Write(Scenarios.With("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, has: 10.0.1.50, within: 10s }
            """, "propagation:\n  imds: fixed(300ms)\n  kinds: { elastic-ips: never }\n  instances: { primary: fixed(200ms) }"));
        var reports = Directory.CreateTempSubdirectory().FullName;
        using var http = new HttpClient();
        var settings = await http.GetStringAsync(harness.Ec2Url + "/_harness/propagation");

        var (code, stdout, stderr) = await RunAsync("run", file, "--target", harness.Ec2Url, "--report", reports);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"\"target\": \"{harness.Ec2Url}/\"", await File.ReadAllTextAsync(Path.Combine(reports, "report.json")));
        Assert.Contains("\"clock\": \"real\"", await File.ReadAllTextAsync(Path.Combine(reports, "report.json")));
        Assert.Contains("\"propagation\": \"fixed(300ms)\"", await File.ReadAllTextAsync(Path.Combine(reports, "report.json")));
        Assert.Equal(settings, await http.GetStringAsync(harness.Ec2Url + "/_harness/propagation"));
    }

    [Fact]
    public async Task A_running_harness_with_a_control_token_is_driven_with_the_token_and_refused_without_it()
    {
        await using var harness = HarnessApp.Build(new HarnessHostOptions(0, 0, 5) { ControlToken = "s3cret" });
        await harness.StartAsync();
        var file = Write(Scenarios.With("""
              - assign: { instance: primary, ips: [10.0.1.50] }
              - expect: { imds: primary, has: 10.0.1.50, within: 10s }
            """, "propagation: { imds: fixed(300ms) }\nclock: real"));

        var (code, stdout, stderr) = await RunAsync(
            "run", file, "--target", harness.Ec2Url, "--control-token", "s3cret", "--report", Directory.CreateTempSubdirectory().FullName);
        var (refusedCode, refusedOut, refusedErr) = await RunAsync(
            "run", file, "--target", harness.Ec2Url, "--report", Directory.CreateTempSubdirectory().FullName);

        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(RunCommand.Failed, refusedCode);
        Assert.Contains("401", refusedOut + refusedErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_leaves_the_world_on_the_target_and_says_where_it_is()
    {
        await using var harness = HarnessApp.Build(new HarnessHostOptions(0, 0, 5));
        await harness.StartAsync();
        var file = Write(Scenarios.With("  - expect: { api: primary, has: 10.0.1.10 }", "propagation: { imds: fixed(300ms) }\nclock: real"));
        var reports = Directory.CreateTempSubdirectory().FullName;

        var (code, stdout, stderr) = await RunAsync("run", file, "--target", harness.Ec2Url, "--keep", "--report", reports);

        Assert.True(code == 0, stdout + stderr);
        using var http = new HttpClient();
        var vpcs = await new Harness.Scenarios.Running.Ec2Client(http, new Uri(harness.Ec2Url + "/"), "us-east-1").CallAsync("DescribeVpcs", CancellationToken.None);
        var vpc = Harness.Scenarios.Running.Ec2Client.All(vpcs, "vpcId").Single().Value;
        Assert.Contains($"kept (--keep): VPC {vpc} (main) with 2 instances", stderr, StringComparison.Ordinal);
        Assert.Contains($"- kept (--keep): VPC {vpc} (main)", await File.ReadAllTextAsync(Path.Combine(reports, "report.md")), StringComparison.Ordinal);
    }

    private static string Write(string text)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("harness-scenario-").FullName, "test.yaml");
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>Runs the harness binary built beside the tests, with a bound, and returns its exit code and output.</summary>
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "harness.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
