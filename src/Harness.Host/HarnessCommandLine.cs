using System.CommandLine;

namespace Harness.Host;

/// <summary>The <c>harness</c> command line, as the harness executable and the .NET tool run it.</summary>
public static class HarnessCommandLine
{
    /// <summary>Runs one command line; the exit code is 0 when it did what was asked, 1 when a run failed, 2 for bad arguments.</summary>
    /// <param name="args">The arguments after <c>harness</c>.</param>
    /// <param name="passThrough">Commands beside serve, run and health whose arguments harness leaves to them.</param>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<PassThroughCommand>? passThrough = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        passThrough ??= [];

        // Before anything else: such a command may need to set up the process first (harness-load's socket setting).
        if (args.Length > 0 && passThrough.FirstOrDefault(c => c.Name == args[0]) is { } other)
        {
            return await other.RunAsync(args[1..]);
        }

        var root = HarnessCommands.Create();
        foreach (var command in passThrough)
        {
            // Listed by --help and by the unknown-command message; never parsed, as its arguments went to it above.
            root.Subcommands.Add(new Command(command.Name, command.Description));
        }

        if (args.Length == 0)
        {
            var names = string.Join('|', ["serve", "run", "health", .. passThrough.Select(c => c.Name)]);
            await Console.Error.WriteLineAsync($"usage: harness <{names}> [options]; harness <command> --help lists a command's options");
            return ArgumentProblem.ExitCode;
        }

        if (ArgumentProblem.WantsHelp(args))
        {
            // Help wins wherever it stands and whatever else is wrong: the command's usage, exit 0.
            var command = root.Subcommands.FirstOrDefault(c => c.Name == args[0]);
            return await root.Parse(command is null ? ["--help"] : [command.Name, "--help"]).InvokeAsync();
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Every command refuses arguments it cannot use the same way: one sentence, exit 2 (1 means a run failed).
            var name = parse.CommandResult.Command == root ? "harness" : "harness " + parse.CommandResult.Command.Name;
            await Console.Error.WriteLineAsync($"{name}: {ArgumentProblem.Describe(parse)}");
            return ArgumentProblem.ExitCode;
        }

        return await parse.InvokeAsync();
    }
}
