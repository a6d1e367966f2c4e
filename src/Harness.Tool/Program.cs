using Harness.Host;
using Harness.Load;

return await HarnessCommandLine.RunAsync(args, [LoadCommandLine.HarnessCommand]);
