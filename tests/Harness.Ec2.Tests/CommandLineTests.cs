using System.Diagnostics;

namespace Harness.Ec2.Tests;

/// <summary>
/// <c>harness serve</c>, <c>run</c> and <c>health</c> as processes: every argument they cannot use is one sentence on
/// stderr and exit 2, before anything starts; <c>--help</c> anywhere is the command's usage and exit 0.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("serve --ec2-port abc", "harness serve: --ec2-port must be a port number from 1 to 65535, not 'abc'")]
    [InlineData("serve --ec2-port 0", "harness serve: --ec2-port must be a port number from 1 to 65535, not '0'")]
    [InlineData("serve --imds-port 65536", "harness serve: --imds-port must be a port number from 1 to 65535, not '65536'")]
    [InlineData("serve --imds-port -1", "harness serve: --imds-port must be a port number from 1 to 65535, not '-1'")]
    [InlineData("serve --seed x", "harness serve: --seed must be a whole number from 0 to 2147483647, not 'x'")]
    [InlineData("serve --vcpu-limit abc", "harness serve: --vcpu-limit must be a whole number from 0 to 2147483647, not 'abc'")]
    [InlineData("serve --terminated-retention 5", "harness serve: --terminated-retention must be a whole number with ms, s, m or h")]
    [InlineData("serve --ec2-port", "harness serve: --ec2-port needs a value")]
    [InlineData("serve --propagation uniform(1s,2x)", "harness serve: --propagation: expected a duration")]
    [InlineData("serve --fault imds-error(status=404)", "harness serve: --fault: imds-error answers with 500, 503, not 404")]
    [InlineData("serve stray", "harness serve: unexpected argument 'stray'")]
    [InlineData("serve --colour red",
        "harness serve: unknown option '--colour'; serve takes --ec2-port, --imds-port, --ecs-port, --ecs-transition, --seed, --listen-any, --propagation, --fault, --ec2-throttling, --terminated-retention, --vcpu-limit, --public-url, --public-imds-url, --control-token, --max-connections, --orleans-dashboard, --verify-signatures, --credentials, --credentials-file, --cluster, --cluster-id, --silo-port, --gateway-port, --state, --help")]
    [InlineData("serve --verify-signatures", "harness serve: --verify-signatures needs --credentials KEY:SECRET or --credentials-file PATH: the access keys to accept")]
    [InlineData("serve --credentials AKID:secret", "harness serve: --credentials and --credentials-file are used only with --verify-signatures")]
    [InlineData("serve --verify-signatures --credentials AKIDNOSECRET", "harness serve: --credentials: 'AKIDNOSECRET' is not KEY:SECRET")]
    [InlineData("serve --verify-signatures --credentials A:x,A:y", "harness serve: --credentials: access key A is given twice with different secrets")]
    [InlineData("serve --verify-signatures --credentials-file /nonexistent/harness-keys", "harness serve: --credentials: cannot read credentials file '/nonexistent/harness-keys'")]
    [InlineData("serve --silo-port 11112", "harness serve: --silo-port is used only with --cluster redis://HOST:PORT")]
    [InlineData("serve --cluster-id blue", "harness serve: --cluster-id is used only with --cluster redis://HOST:PORT")]
    [InlineData("serve --state redis://127.0.0.1:6379", "harness serve: --state is used only with --cluster redis://HOST:PORT")]
    [InlineData("serve --cluster redis://127.0.0.1:6379 --state 127.0.0.1:6379", "harness serve: --state: '127.0.0.1:6379' is not a Redis URL")]
    [InlineData("serve --cluster 127.0.0.1:6379", "harness serve: --cluster: '127.0.0.1:6379' is not a Redis URL: expected redis://HOST:PORT[/DB], e.g. redis://127.0.0.1:6379")]
    [InlineData("serve --cluster http://127.0.0.1:6379", "harness serve: --cluster: 'http://127.0.0.1:6379' is not a Redis URL")]
    [InlineData("serve --cluster redis://127.0.0.1:6379/16", "harness serve: --cluster: 'redis://127.0.0.1:6379/16': the database after the port is a number from 0 to 15")]
    [InlineData("serve --cluster redis://127.0.0.1:6379?ssl=true", "harness serve: --cluster: 'redis://127.0.0.1:6379?ssl=true' has a query or fragment")]
    [InlineData("serve --cluster redis://127.0.0.1:6379 --cluster-id a/b", "harness serve: --cluster-id must be 1 to 64 letters, digits, '-', '_' or '.', not 'a/b'")]
    [InlineData("serve --cluster redis://127.0.0.1:6379 --silo-port 30000", "harness serve: --silo-port and --gateway-port must differ (both 30000)")]
    [InlineData("serve --cluster redis://127.0.0.1:6379 --gateway-port 0", "harness serve: --gateway-port must be a port number from 1 to 65535, not '0'")]
    [InlineData("health --url http://127.0.0.1:4580", "harness health: unknown option '--url'; health takes --target, --control-token, --help")]
    [InlineData("health --target 127.0.0.1:4580", "harness health: --target must be the harness's base URL, such as http://127.0.0.1:4580, not '127.0.0.1:4580'")]
    [InlineData("health --target", "harness health: --target needs a value")]
    [InlineData("run", "harness run: run needs a <scenario> argument")]
    [InlineData("run x.yaml --seed many", "harness run: --seed must be a whole number from 0 to 2147483647, not 'many'")]
    [InlineData("run x.yaml --clock sometimes", "harness run: --clock must be real or virtual, not 'sometimes'")]
    [InlineData("run x.yaml --var novalue", "harness run: --var must be NAME=VALUE, not 'novalue'")]
    [InlineData("run x.yaml --target ftp://example", "harness run: --target must be the harness's base URL, such as http://127.0.0.1:4580, not 'ftp://example'")]
    [InlineData("run x.yaml --report", "harness run: --report needs a value")]
    [InlineData("run x.yaml y.yaml", "harness run: unexpected argument 'y.yaml'")]
    [InlineData("run x.yaml --quiet", "harness run: unknown option '--quiet'; run takes --report, --target, --ecs-target, --control-token, --seed, --clock, --var, --keep, --help")]
    [InlineData("launch-rockets", "harness: unknown command 'launch-rockets'; the commands are serve, health, run")]
    [InlineData("", "usage: harness <serve|run|health>")]
    public async Task BadArguments_AreOneSentenceAndExit2(string args, string sentence)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.StartsWith(sentence, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        if (!args.Contains("--propagation", StringComparison.Ordinal) && !args.Contains("--fault", StringComparison.Ordinal))
        {
            // Only a spec's problem points at it on further lines.
            Assert.Single(error.TrimEnd().Split('\n'));
        }
    }

    [Theory]
    [InlineData("serve --help", "harness serve [options]")]
    [InlineData("serve -h", "--ec2-port")]
    [InlineData("serve --ec2-port abc --help", "--imds-port")]
    [InlineData("run --help", "harness run <scenario> [options]")]
    [InlineData("run x.yaml --clock never -h", "--clock")]
    [InlineData("health --help", "--target")]
    [InlineData("health --url x --help", "harness health [options]")]
    [InlineData("--help", "serve")]
    public async Task Help_AnywhereIsTheCommandsUsageAndExit0(string args, string expected)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(0, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Health_TargetOfAHarnessThatIsNotThere_Exits1()
    {
        // Port 1 on loopback: nothing listens.
        var (code, _, error) = await RunAsync("health --target http://127.0.0.1:1");

        Assert.Equal(1, code);
        Assert.StartsWith("harness is not answering", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_TargetThatTakesTheConnectionAndNeverAnswers_SaysSoAndExits1()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;

        var (code, _, error) = await RunAsync($"health --target http://127.0.0.1:{port}");

        Assert.Equal(1, code);
        Assert.Contains("took the connection but did not answer within 5 s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_TargetOfARunningHarness_Exits0()
    {
        var server = new HarnessServer();
        await server.InitializeAsync();
        try
        {
            var (code, output, _) = await RunAsync($"health --target {server.BaseAddress}");

            Assert.Equal(0, code);
            Assert.Equal("200 OK", output.Trim());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "harness.dll"));
        foreach (var arg in args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
