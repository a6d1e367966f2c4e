using System.Diagnostics;

namespace Harness.Runtime.Tests;

/// <summary>
/// Real-time tests (the provider exists to be accurate on the real clock); bounds are generous, and each test
/// waits for what it expects with a time-out rather than sleeping a fixed time.
/// </summary>
public sealed class PreciseTimeProviderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task CreateTimer_OneShot_FiresOnceNoSoonerThanDue()
    {
        using var time = new PreciseTimeProvider();
        var fired = 0;
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        using var timer = time.CreateTimer(_ => { Interlocked.Increment(ref fired); done.TrySetResult(Stopwatch.GetElapsedTime(start)); }, null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);

        var elapsed = await done.Task.WaitAsync(Patience);

        // A later timer on the same thread proves a second firing would have had its chance.
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probe = time.CreateTimer(_ => later.TrySetResult(), null, TimeSpan.FromMilliseconds(150), Timeout.InfiniteTimeSpan);
        await later.Task.WaitAsync(Patience);

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(49), $"fired after {elapsed.TotalMilliseconds} ms");
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task Change_ToEarlierTime_FiresAtTheNewTimeOnly()
    {
        using var time = new PreciseTimeProvider();
        var fired = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(_ => { Interlocked.Increment(ref fired); done.TrySetResult(); }, null, TimeSpan.FromMinutes(5), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        await done.Task.WaitAsync(Patience);

        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task Dispose_BeforeDue_NeverFires()
    {
        using var time = new PreciseTimeProvider();
        var fired = 0;
        var timer = time.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        timer.Dispose();

        // A later timer on the same thread proves the first one's due time has passed.
        var after = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probe = time.CreateTimer(_ => after.TrySetResult(), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        await after.Task.WaitAsync(Patience);

        Assert.Equal(0, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task CreateTimer_Periodic_FiresRepeatedly()
    {
        using var time = new PreciseTimeProvider();
        var fired = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref fired) == 3)
            {
                done.TrySetResult();
            }
        }, null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10));

        await done.Task.WaitAsync(Patience);

        Assert.True(Volatile.Read(ref fired) >= 3);
    }
}
