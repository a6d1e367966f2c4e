using Harness.Load;

return await LoadCommandLine.RunAsync(args, self: []);
