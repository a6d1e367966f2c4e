using Harness.Host;

return await HarnessCommandLine.RunAsync(args);
