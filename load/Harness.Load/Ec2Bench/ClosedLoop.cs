using System.Collections.Concurrent;
using Harness.Load.Engine;

namespace Harness.Load.Ec2Bench;

/// <summary>
/// Runs one cell of the EC2 benchmark through the load engine: <c>keep(copies=C)</c> for the duration (each of C
/// workers sends its next request as soon as the previous one answers, which is how an SDK caller behaves and what
/// "concurrency" means in the figures), after a warm-up of the same load whose figures are thrown away. Each copy
/// holds one worker slot while it runs, so a workload can give every worker resources of its own.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>The step the engine counts a copy on when it throws outside its steps.</summary>
    public const string ScenarioFailures = "(scenario)";

    private static readonly LoadEngineOptions Options = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

    public static Task<LoadRun> RunAsync(string name, int concurrency, BenchLimits limits, Func<int, ScenarioContext, ValueTask> step)
    {
        var free = new ConcurrentStack<int>(Enumerable.Range(0, concurrency).Reverse());
        var scenario = new LoadScenario(name, async context =>
        {
            // A closed model never has more copies in flight than workers; a slot always comes free.
            if (!free.TryPop(out var worker))
            {
                throw new InvalidOperationException("more copies in flight than workers");
            }

            try
            {
                await step(worker, context).ConfigureAwait(false);
            }
            finally
            {
                free.Push(worker);
            }
        })
        {
            Simulations = [new LoadSimulation.Keep(concurrency, limits.Duration)],
            WarmUp = limits.Warmup,
            MaxConcurrency = concurrency,
        };
        return LoadEngine.RunAsync([scenario], Options, TimeProvider.System);
    }

    /// <summary>Copies that failed outside their steps (counted by the engine on a step of their own).</summary>
    public static long Unstepped(LoadRun run) =>
        run.Scenarios[0].Steps.FirstOrDefault(s => s.Name == ScenarioFailures)?.Failed ?? 0;
}
