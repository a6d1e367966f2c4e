using Harness.Host;

var root = HarnessCommands.Create();
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: harness <serve|run|health> [options]; harness <command> --help lists a command's options");
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
    Console.Error.WriteLine($"{name}: {ArgumentProblem.Describe(parse)}");
    return ArgumentProblem.ExitCode;
}

return await parse.InvokeAsync();
