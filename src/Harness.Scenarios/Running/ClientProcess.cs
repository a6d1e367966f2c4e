using System.Diagnostics;
using System.Text;

namespace Harness.Scenarios.Running;

/// <summary>Runs a program under test through <c>/bin/sh -c</c>, with the environment it is given and nothing of the user's AWS set-up.</summary>
internal static class ClientProcess
{
    /// <summary>Output kept per stream; what comes after is counted, not kept.</summary>
    private const int OutputLimit = 64 * 1024;

    public sealed record Result(int? ExitCode, bool TimedOut, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(
        string command, string directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, Action<string> echo,
        CancellationToken cancellation)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        var stdout = new Output();
        var stderr = new Output();
        process.OutputDataReceived += (_, e) => stdout.Add(e.Data, echo);
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data, echo);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellation.IsCancellationRequested;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // The exit can come before the last lines are read.
        process.WaitForExit();
        return new Result(timedOut || cancellation.IsCancellationRequested ? null : process.ExitCode, timedOut, stdout.Text, stderr.Text);
    }

    private sealed class Output
    {
        private readonly StringBuilder text = new();
        private long dropped;

        public string Text
        {
            get
            {
                lock (text)
                {
                    return dropped == 0 ? text.ToString() : $"{text}[… {dropped} more characters not kept]\n";
                }
            }
        }

        public void Add(string? line, Action<string> echo)
        {
            if (line is null)
            {
                return;
            }

            echo(line);
            lock (text)
            {
                if (text.Length + line.Length + 1 <= OutputLimit)
                {
                    text.Append(line).Append('\n');
                }
                else
                {
                    dropped += line.Length + 1;
                }
            }
        }
    }
}
