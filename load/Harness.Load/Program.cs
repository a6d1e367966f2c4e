using Harness.Load;

return await LoadCommand.RunAsync(args);
