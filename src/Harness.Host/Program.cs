using Harness.Host;

return await HarnessCommands.Create().Parse(args).InvokeAsync();
