namespace Harness.Load;

/// <summary>harness-load's entry: the workload commands, and calibrate (the engine beside wrk on a bare endpoint).</summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: harness-load <churn|pollers|describe-storm|mixed|calibrate> [options]");
            return 2;
        }

        return args[0] switch
        {
            "calibrate" => await CalibrateCommand.RunAsync(args[1..]),
            _ => 2,
        };
    }
}
