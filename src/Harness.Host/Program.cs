using Harness.Host;

var parse = HarnessCommands.Create().Parse(args);
if (parse.Errors.Count > 0 && parse.CommandResult.Command.Name == "run")
{
    // Bad arguments to run exit 2, like an invalid scenario file; 1 means a scenario ran and failed.
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("Usage: harness run <scenario.yaml> [--report DIR] [--target URL] [--seed N] [--clock real|virtual] [--var NAME=VALUE]");
    return RunCommand.Invalid;
}

return await parse.InvokeAsync();
