namespace Harness.Load.Engine;

/// <summary>
/// A scenario in NBomber's sense: an async body whose copies the engine runs under load simulations, each copy
/// timing its calls as named steps through its <see cref="ScenarioContext"/>. <see cref="WarmUp"/> runs the first
/// phase's load for that long before measuring, with its figures thrown away.
/// </summary>
public sealed class LoadScenario(string name, Func<ScenarioContext, ValueTask> run)
{
    public string Name { get; } = name;

    public Func<ScenarioContext, ValueTask> Run { get; } = run;

    public IReadOnlyList<LoadSimulation> Simulations { get; init; } = [];

    public TimeSpan WarmUp { get; init; }

    /// <summary>The open model's ceiling on copies in flight; a copy due beyond it is counted as dropped, not started.</summary>
    public int MaxConcurrency { get; init; } = 10_000;

    /// <summary>How long the phases take, warm-up included.</summary>
    public TimeSpan Duration => WarmUp + Simulations.Aggregate(TimeSpan.Zero, (sum, phase) => sum + phase.During);
}
