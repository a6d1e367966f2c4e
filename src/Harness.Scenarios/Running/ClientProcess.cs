using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Harness.Scenarios.Running;

/// <summary>
/// Runs a program under test through <c>/bin/sh -c</c> in a session and process group of its own, with the
/// environment it is given and nothing of the user's AWS set-up. Its exit is the shell's exit; whatever it leaves
/// running in its group is stopped then, and on a time-out or a cancelled run the whole group is killed.
/// </summary>
internal static class ClientProcess
{
    /// <summary>Output kept per stream; what comes after is counted, not kept.</summary>
    private const int OutputLimit = 64 * 1024;

    /// <param name="Ran">From the start to the shell's exit (or to its kill), not counting the wait for its output to end.</param>
    public sealed record Result(int? ExitCode, bool TimedOut, bool Cancelled, string Stdout, string Stderr, TimeSpan Ran);

    /// <param name="exited">
    /// Called the moment the shell is seen to exit (or is given up on), before anything it left in its group is stopped:
    /// the scenario marks the client's end with the harness there.
    /// </param>
    /// <param name="echo">Each line of output, as it is read; every line is echoed before this returns.</param>
    public static async Task<Result> RunAsync(
        string command, string directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, Action<string> echo,
        Func<Task> exited, CancellationToken cancellation)
    {
        // setsid runs the shell in place (same pid) as the leader of a new session and process group.
        var start = new ProcessStartInfo("setsid", ["/bin/sh", "-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // The user's own cloud settings must not point a client anywhere but the harness.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("ALIBABA_CLOUD_", StringComparison.Ordinal)).ToList())
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
        var started = Stopwatch.GetTimestamp();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var (timedOut, cancelled) = (false, false);
        try
        {
            await ExitAsync(process, timeout, cancellation);
        }
        catch (TimeoutException)
        {
            timedOut = true;
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }

        var ran = Stopwatch.GetElapsedTime(started);

        // A shell that exited is marked at once, before its stragglers are stopped, so that what they do comes after the
        // mark; one given up on (time-out, cancelled run) is stopped first, so that it does nothing after its mark.
        var gaveUp = timedOut || cancelled;
        if (gaveUp)
        {
            await StopGroupAsync(process);
        }

        Exception? marking = null;
        try
        {
            await exited();
        }
        catch (Exception failure)
        {
            // Thrown once the group is stopped: nothing of the client may outlive the run.
            marking = failure;
        }

        if (!gaveUp)
        {
            await StopGroupAsync(process);
        }

        // The output ends when its last writer is gone; a writer that left the group is not waited for long. Lines that
        // come after that are not echoed, so every echoed line comes before whatever the caller prints next.
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(drained.Token);
            await Task.WhenAll(stdout.Ended, stderr.Ended).WaitAsync(drained.Token);
        }
        catch (OperationCanceledException)
        {
        }

        stdout.Close();
        stderr.Close();
        if (marking is not null)
        {
            ExceptionDispatchInfo.Throw(marking);
        }

        return new Result(timedOut || cancelled ? null : process.ExitCode, timedOut, cancelled, stdout.Text, stderr.Text, ran);
    }

    /// <summary>Kills whatever is left in the shell's group and waits for the shell (killed outright if it will not go).</summary>
    private static async Task StopGroupAsync(Process process)
    {
        KillGroup(process.Id);
        try
        {
            await ExitAsync(process, TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Waits for the shell itself to exit. Not <see cref="Process.WaitForExitAsync"/>, nor the Exited event: with the
    /// output redirected they also wait for the output to end, which a child left running in the background holds open.
    /// </summary>
    private static async Task ExitAsync(Process process, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!process.HasExited)
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                throw new TimeoutException();
            }

            await Task.Delay(10, cancellation);
        }
    }

    /// <summary>Kills every process left in the group, with the shell's builtin kill (dash's takes no "--").</summary>
    private static void KillGroup(int group)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"kill -KILL -{group} 2>/dev/null"]) { UseShellExecute = false });
        kill?.WaitForExit(5000);
    }

    private sealed class Output
    {
        private readonly StringBuilder text = new();
        private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long dropped;
        private bool closed;

        /// <summary>Completes when the stream reaches its end.</summary>
        public Task Ended => ended.Task;

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

        /// <summary>Stops echoing and keeping: the run's result is being read.</summary>
        public void Close()
        {
            lock (text)
            {
                closed = true;
            }
        }

        public void Add(string? line, Action<string> echo)
        {
            if (line is null)
            {
                ended.TrySetResult();
                return;
            }

            // Echoed under the lock, so that no line is echoed after Close returns.
            lock (text)
            {
                if (closed)
                {
                    return;
                }

                echo(line);
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
