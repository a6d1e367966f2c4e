using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Harness.Load;

/// <summary>
/// The bare endpoint that calibration measures against: by default <c>harness-load calibrate-server</c> in a process
/// of its own (so its CPU is apart from the engine's, as it is from wrk's), which goes when this process does.
/// </summary>
internal sealed class CalibrationServer : IAsyncDisposable
{
    private readonly Process? process;
    private readonly WebApplication? inProcess;

    private CalibrationServer(Uri url, int pid, Process? process, WebApplication? inProcess)
    {
        Url = url;
        Pid = pid;
        this.process = process;
        this.inProcess = inProcess;
    }

    public Uri Url { get; }

    /// <summary>The process whose CPU counts as the server's (this one when in process).</summary>
    public int Pid { get; }

    /// <param name="self">
    /// The arguments that take a new process of this program to harness-load's command line (<c>load</c> when this is
    /// the harness tool's <c>harness load</c>), ahead of <c>calibrate-server</c>.
    /// </param>
    public static async Task<CalibrationServer> StartAsync(int port, bool inProcess, IReadOnlyList<string> self, CancellationToken ct)
    {
        if (inProcess)
        {
            var app = CalibrateServerCommand.Build(port);
            await app.StartAsync(ct);
            return new CalibrationServer(new Uri(app.Urls.First()), Environment.ProcessId, null, app);
        }

        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Started as "dotnet harness-load.dll" (or "dotnet" and the tool's assembly): the child needs the same.
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet")
        {
            psi.ArgumentList.Add((Assembly.GetEntryAssembly() ?? typeof(CalibrationServer).Assembly).Location);
        }

        foreach (var arg in self.Concat(["calibrate-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--exit-with-stdin"]))
        {
            psi.ArgumentList.Add(arg);
        }

        var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start calibrate-server");
        try
        {
            var stderr = child.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("listening on ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"calibrate-server did not start{(line is null ? "" : $" (it said '{line}')")}: {(await stderr).Trim()}");
            }

            return new CalibrationServer(new Uri(line["listening on ".Length..]), child.Id, child, null);
        }
        catch
        {
            child.Kill(entireProcessTree: true);
            child.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (inProcess is not null)
        {
            await inProcess.StopAsync();
            await inProcess.DisposeAsync();
        }

        if (process is not null)
        {
            // Closing its stdin asks it to stop; it is killed if it has not within five seconds.
            process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
