using Harness.Bench;

// Subcommands rather than separate tools: one build gives the script the client, the
// calibration target and the report writer, all on the same runtime settings.
var command = args.Length > 0 ? args[0] : "help";
var options = new CommandLine(args.Skip(1));
return command switch
{
    "run" => await RunCommand.RunAsync(options),
    "calibrate" => await Calibrate.RunAsync(options),
    "trivial-server" => await TrivialServer.RunAsync(options),
    "report" => await ReportCommand.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        harness-bench run --target http://127.0.0.1:PORT [--label NAME] [--duration 10s] [--concurrency 1,8]
                          [--max-requests 1000000] [--warmup 1s] [--workloads a,b,c]
                          [--describe-scale 100,1000,10000,100000] [--scale-duration 3s] [--scale-budget 240s] [--client raw|httpclient] [--json out.json]
        harness-bench calibrate [--target URL | --port 5098] [--duration 5s] [--concurrency 1,8] [--json out.json]
        harness-bench trivial-server [--port 5099]
        harness-bench report [--harness h.json] [--moto m.json] [--calibration c.json] [--moto-version V] [--note TEXT] [--out file.md]
        """);
    return 1;
}
