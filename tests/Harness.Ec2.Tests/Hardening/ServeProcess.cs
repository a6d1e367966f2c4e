using System.Diagnostics;
using System.Text;
using Harness.Testing;

namespace Harness.Ec2.Tests.Hardening;

/// <summary><c>harness serve</c> in a child process on free loopback ports, killed on dispose.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder banner = new();
    private readonly StringBuilder errors = new();

    private ServeProcess(Process process, int ec2Port, int imdsPort)
    {
        this.process = process;
        Ec2Url = new Uri($"http://127.0.0.1:{ec2Port}");
        ImdsPort = imdsPort;
    }

    public Uri Ec2Url { get; }

    public int ImdsPort { get; }

    public string Banner => banner.ToString();

    /// <summary>What it wrote to stderr so far (Orleans' errors among them).</summary>
    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>The process's id (the shell that set a file limit became <c>dotnet</c> by exec).</summary>
    public int Id => process.Id;

    public static Task<ServeProcess> StartAsync(params string[] args) => StartAsync(fileLimit: null, args);

    /// <summary>Starts <c>harness serve</c>; with <paramref name="fileLimit"/>, under that open-file limit (soft and hard).</summary>
    public static Task<ServeProcess> StartAsync(int? fileLimit, params string[] args) => StartAsync(fileLimit, FreePort(), FreePort(), args);

    /// <summary>Starts <c>harness serve</c> on the given ports (a restart on the ports of a process that was killed).</summary>
    public static async Task<ServeProcess> StartAsync(int? fileLimit, int ec2Port, int imdsPort, params string[] args)
    {
        // The Alibaba port too: its default (4582) would clash between processes started side by side, and a port picked
        // free here could be taken before the process binds it (a silo's, in a cluster test): 0 lets the process pick.
        string[] ecs = args.Contains("--ecs-port") ? [] : ["--ecs-port", "0"];
        string[] command = [Path.Combine(AppContext.BaseDirectory, "harness.dll"), "serve", "--ec2-port", $"{ec2Port}", "--imds-port", $"{imdsPort}", .. ecs, .. args];
        var start = new ProcessStartInfo(fileLimit is null ? "dotnet" : "sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in fileLimit is { } limit ? ["-c", $"ulimit -n {limit} && exec dotnet \"$@\"", "sh", .. command] : command)
        {
            start.ArgumentList.Add(arg);
        }

        var serve = new ServeProcess(Process.Start(start)!, ec2Port, imdsPort);

        // Read all along, so that a full pipe never blocks the process's logging.
        serve.process.ErrorDataReceived += (_, line) =>
        {
            lock (serve.errors)
            {
                serve.errors.AppendLine(line.Data);
            }
        };
        serve.process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await serve.process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            serve.banner.AppendLine(line);
            if (line.Contains("Ctrl-C stops it.", StringComparison.Ordinal))
            {
                _ = serve.process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return serve;
            }
        }

        await serve.process.WaitForExitAsync(timeout.Token);
        var code = serve.process.ExitCode;
        await serve.DisposeAsync();
        throw new ServeFailedException(code, serve.Errors, $"harness serve did not start (exit {code}): {serve.banner}{serve.Errors}");
    }

    /// <summary>kill -9: the process dies at once, with no chance to leave its cluster.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>A port nothing listens on now: the OS's pick for a listener opened and closed at once.</summary>
    public static int FreePort() => LoopbackPort.Free();
}

/// <summary><c>harness serve</c> exited before its banner: with what code and what it said on stderr.</summary>
internal sealed class ServeFailedException(int exitCode, string errors, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public string Errors { get; } = errors;
}
