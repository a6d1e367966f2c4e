using Harness.Host;

namespace Harness.Load;

/// <summary>harness-load's command line: its own executable runs it, and the harness .NET tool as <c>harness load</c>.</summary>
public static class LoadCommandLine
{
    /// <summary><c>harness load &lt;command&gt; [options]</c>: the same as <c>harness-load &lt;command&gt; [options]</c>, in the harness's process.</summary>
    public static PassThroughCommand HarnessCommand { get; } = new(
        "load",
        "Drive address churn and metadata pollers against a harness, and the benchmarks: harness-load's commands (harness load --help)",
        args => RunAsync(args, ["load"]));

    /// <summary>Runs harness-load's arguments in this process and returns its exit code (0 done, 1 failed or interrupted, 2 bad arguments).</summary>
    /// <param name="args">The arguments after <c>harness-load</c>.</param>
    /// <param name="self">
    /// The arguments that take a new process of this program to harness-load's command line: none for harness-load,
    /// <c>load</c> for harness. calibrate starts its bare endpoint that way.
    /// </param>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<string> self)
    {
        ArgumentNullException.ThrowIfNull(args);

        // Socket completions run on the sockets' own threads against a harness in another process, as calibrate measured
        // the engine, and in the bare endpoints that stand in for serve, hosted as serve hosts its listeners; an embedded
        // harness shares the process, so its Kestrel keeps the stock setting.
        if (args.Length > 0
            && (args[0] is "calibrate-server" or "bare-imds" || args.Any(a => a == "--target" || a.StartsWith("--target=", StringComparison.Ordinal))))
        {
            InlineSocketCompletions.Enable();
        }

        return await LoadCommand.RunAsync(args, self);
    }
}
