using System.Diagnostics;

namespace Harness.Load.Tests;

/// <summary>harness-load as a process: bad arguments exit 2 with a message; a short run writes every report.</summary>
public sealed class LoadCommandTests
{
    [Theory]
    [InlineData("", "usage: harness-load")]
    [InlineData("flood", "unknown workload 'flood'")]
    [InlineData("churn --rate fast", "rate must be a number")]
    [InlineData("churn --duration", "--duration needs a value")]
    [InlineData("churn --rate 5 --rate 6", "--rate is given twice")]
    [InlineData("churn stray", "unexpected argument 'stray'")]
    [InlineData("churn --target ftp://x", "--target must be an http URL")]
    [InlineData("mixed --load keep(copies=1)", "load: expected ','")]
    [InlineData("scale --harness-pid 1", "--target URL of a running harness is required")]
    [InlineData("describe-storm --report /dev/null/x", "--report /dev/null/x cannot be written")]
    public async Task Bad_arguments_exit_2_and_say_why(string args, string message)
    {
        var (code, _, error) = await RunAsync(args, TimeSpan.FromSeconds(30));
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
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
