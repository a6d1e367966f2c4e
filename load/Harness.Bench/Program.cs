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
    "imds-fixture" => await ImdsFixture.RunAsync(options),
    "bare-imds" => await BareImds.RunAsync(options),
    "imds-throughput" => await ImdsThroughput.RunAsync(options),
    "scheduler" => await SchedulerBench.RunAsync(options),
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
        harness-bench imds-fixture --target http://127.0.0.1:PORT [--instances 10000] [--batch 500] [--parallel 4] [--instance-type t3.micro]
                          [--pick last|first|middle] --out fixture.json --body-file body.txt [--headers-file headers.txt]
        harness-bench bare-imds [--port 5097] --body-file body.txt [--headers-file headers.txt]
        harness-bench imds-throughput --harness-url URL --harness-pid PID --bare-url URL --bare-pid PID [--rounds 3] [--duration 10s]
                          [--threads 1] [--connections 32] [--warmup 3s] [--check 1x32,2x32,2x64] [--check-duration 5s]
                          [--fixture f.json] [--load TEXT] [--json out.json] [--md out.md]
        harness-bench scheduler [--instances 1000] [--changes 100000] [--delay uniform(5s,15s)] [--subnets 10] [--workers N]
                          [--instance-type m5.large] [--goal-ms 5] [--drain-timeout 120s] [--timer system|precise]
                          [--delivery-cost true|false] [--json out.json] [--md out.md]
        """);
    return 1;
}
