using Harness.Load;
using Harness.Load.Http;

// Against a harness in another process, socket completions run on the sockets' own threads, as calibrate measured the
// engine; an embedded harness shares the process, so its Kestrel keeps the stock setting.
if (args.Length > 0 && args[0] != "calibrate-server" && args.Any(a => a == "--target" || a.StartsWith("--target=", StringComparison.Ordinal)))
{
    InlineSocketCompletions.Enable();
}

return await LoadCommand.RunAsync(args);
