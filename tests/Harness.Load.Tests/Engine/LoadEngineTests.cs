using Harness.Load.Engine;
using Harness.Runtime;

namespace Harness.Load.Tests.Engine;

/// <summary>The engine on simulated time: the clock moves a millisecond at a time until the run is over.</summary>
public sealed class LoadEngineTests
{
    private static readonly LoadEngineOptions Options = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Inject_starts_rate_times_duration_copies_whatever_their_latency()
    {
        var time = new VirtualTimeProvider();
        var scenario = new LoadScenario("s", async c => await c.StepAsync("step", async _ =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time);
            return StepResult.Ok;
        }))
        { Simulations = LoadSimulation.Parse("inject(rate=100,during=2s) ramp(from=100,to=0,during=1s)") };
        var run = await RunAsync(time, scenario);
        var stats = Assert.Single(run.Scenarios);
        Assert.Equal(250, stats.Started);
        Assert.Equal(250, stats.Steps.Single().Count);
        Assert.Equal(250, stats.Steps.Single().Ok);
        Assert.InRange(stats.Steps.Single().Latency.ValueAt(0.5), 249_000, 252_000);
    }

    [Fact]
    public async Task Keep_never_runs_more_copies_than_it_keeps()
    {
        var time = new VirtualTimeProvider();
        var inFlight = 0;
        var most = 0;
        var scenario = new LoadScenario("s", async c => await c.StepAsync("step", async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(TimeSpan.FromMilliseconds(100), time);
            Interlocked.Decrement(ref inFlight);
            return StepResult.Ok;
        }))
        { Simulations = LoadSimulation.Parse("keep(copies=5,during=1s)") };
        var run = await RunAsync(time, scenario);
        Assert.Equal(5, most);
        // 5 copies for 10 rounds of 100 ms.
        Assert.InRange(run.Scenarios[0].Steps.Single().Count, 48, 52);
    }

    [Fact]
    public async Task Phases_end_on_the_clock_even_with_nothing_running_or_copies_still_busy()
    {
        var time = new VirtualTimeProvider();
        var scenario = new LoadScenario("s", async c => await c.StepAsync(c.Copy == 0 ? "slow" : "quick", async _ =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(c.Copy == 0 ? 1500 : 1), time);
            return StepResult.Ok;
        }))
        { Simulations = LoadSimulation.Parse("keep(copies=1,during=500ms) keep(copies=0,during=1s) inject(rate=10,during=1s)") };
        var run = await RunAsync(time, scenario);
        var steps = run.Scenarios[0].Steps.ToDictionary(s => s.Name);
        Assert.Equal(1, steps["slow"].Count);
        Assert.Equal(10, steps["quick"].Count);
        // 2.5 s of phases; the slow copy (0 to 1.5 s) did not hold them up.
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(2.6));
    }

    [Fact]
    public async Task Warm_up_is_not_measured_and_copies_know_it()
    {
        var time = new VirtualTimeProvider();
        var measuredCopies = 0;
        var warmCopies = 0;
        var scenario = new LoadScenario("s", async c =>
        {
            Interlocked.Increment(ref c.Measuring ? ref measuredCopies : ref warmCopies);
            await c.StepAsync("step", _ => ValueTask.FromResult(StepResult.Ok));
        })
        { Simulations = LoadSimulation.Parse("inject(rate=10,during=1s)"), WarmUp = TimeSpan.FromSeconds(2) };
        var run = await RunAsync(time, scenario);
        Assert.Equal(20, warmCopies);
        Assert.Equal(10, measuredCopies);
        Assert.Equal(10, run.Scenarios[0].Steps.Single().Count);
    }

    [Fact]
    public async Task Failures_are_counted_by_code_and_exceptions_by_type()
    {
        var time = new VirtualTimeProvider();
        var scenario = new LoadScenario("s", async c =>
        {
            await c.StepAsync("a", _ => ValueTask.FromResult(c.Copy % 2 == 0 ? StepResult.Ok : StepResult.Fail("InvalidParameterValue")));
            await c.StepAsync("b", _ => throw new TimeoutException());
        })
        { Simulations = LoadSimulation.Parse("inject(rate=10,during=1s)") };
        var run = await RunAsync(time, scenario);
        var (a, b) = (run.Scenarios[0].Steps[0], run.Scenarios[0].Steps[1]);
        Assert.Equal(("a", 5L, 5L), (a.Name, a.Ok, a.Failed));
        Assert.Equal(5, a.FailuresByCode["InvalidParameterValue"]);
        Assert.Equal(10, b.FailuresByCode["TimeoutException"]);
    }

    [Fact]
    public async Task Copies_beyond_the_ceiling_are_dropped_and_stragglers_stopped_after_the_drain()
    {
        var time = new VirtualTimeProvider();
        var scenario = new LoadScenario("s", async c => await c.StepAsync("hang", async token =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, token);
            return StepResult.Ok;
        }))
        { Simulations = LoadSimulation.Parse("inject(rate=100,during=1s)"), MaxConcurrency = 30 };
        var run = await RunAsync(time, scenario);
        var stats = run.Scenarios[0];
        Assert.Equal(30, stats.Started);
        Assert.Equal(70, stats.Dropped);
        Assert.Equal(30, stats.Steps.Single().FailuresByCode["stopped"]);
        Assert.Equal(0, stats.InFlight);
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.1));
    }

    [Fact]
    public async Task The_timeline_has_a_slot_a_second_with_what_finished_in_it()
    {
        var time = new VirtualTimeProvider();
        var scenario = new LoadScenario("s", async c => await c.StepAsync("step", _ => ValueTask.FromResult(StepResult.Ok)))
        {
            Simulations = LoadSimulation.Parse("inject(rate=10,during=1s) inject(rate=30,during=1s)"),
        };
        // A drain long enough that a copy the thread pool runs late (a busy machine) still finishes: the drain ends as
        // soon as none is in flight, so it costs nothing otherwise, and the slots stay a second wide.
        var run = await RunAsync(time, scenario, Options with { Drain = TimeSpan.FromSeconds(30) });
        var slots = run.Scenarios[0].Steps.Single().Timeline(run.Elapsed).ToList();
        Assert.Equal(TimeSpan.FromSeconds(1), slots[0].At);
        Assert.InRange(slots[0].Ok, 9, 11);
        Assert.InRange(slots[1].Ok, 29, 31);
        Assert.Equal(40, slots.Sum(s => s.Ok));
    }

    private static async Task<LoadRun> RunAsync(VirtualTimeProvider time, LoadScenario scenario, LoadEngineOptions? options = null)
    {
        var run = LoadEngine.RunAsync([scenario], options ?? Options, time);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            // Let the copies the tick released run before the clock moves again.
            await Task.Delay(1);
        }

        Assert.True(run.IsCompleted, "the run did not finish");
        return await run;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
