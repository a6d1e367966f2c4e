using Harness.Runtime;
using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

public sealed class VirtualClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Concurrent_steps_take_turns_in_order_and_time_jumps_to_the_earliest_wait()
    {
        var time = new VirtualTimeProvider(Start);
        var clock = new VirtualScenarioClock(time);
        clock.MarkStart();
        var log = new List<string>();

        Func<Task> Actor(string name, int seconds) => async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add($"{name}@{clock.Elapsed.TotalSeconds}");
                await clock.SleepAsync(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            }
        };

        await clock.RunConcurrentlyAsync([Actor("a", 2), Actor("b", 3), Actor("c", 2)]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["a@0", "b@0", "c@0", "a@2", "c@2", "b@3", "a@4", "c@4", "b@6"], log);
        Assert.Equal(TimeSpan.FromSeconds(9), clock.Elapsed);
    }

    [Fact]
    public async Task Waiting_for_a_change_wakes_at_the_harness_next_timer_not_later()
    {
        var time = new VirtualTimeProvider(Start);
        var clock = new VirtualScenarioClock(time);
        clock.MarkStart();
        var fired = false;
        using var timer = time.CreateTimer(_ => fired = true, null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);

        await clock.WaitForChangeAsync(Start + TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(fired);
        Assert.Equal(TimeSpan.FromSeconds(3), clock.Elapsed);

        await clock.WaitForChangeAsync(Start + TimeSpan.FromSeconds(10), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(10), clock.Elapsed);
    }

    [Fact]
    public async Task The_clock_stands_still_while_a_step_works()
    {
        var time = new VirtualTimeProvider(Start);
        var clock = new VirtualScenarioClock(time);
        clock.MarkStart();
        var release = new TaskCompletionSource();
        var sawTime = TimeSpan.MinValue;

        var run = clock.RunConcurrentlyAsync([
            async () => await clock.SleepAsync(TimeSpan.FromSeconds(1), CancellationToken.None),
            async () =>
            {
                await release.Task;
                sawTime = clock.Elapsed;
            },
        ]);
        await Task.Delay(50);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.Zero, sawTime);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Elapsed);
    }
}
