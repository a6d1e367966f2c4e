
namespace Harness.Runtime.Tests;

public sealed class VirtualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Advance_ByDelta_MovesUtcNowAndTimestampTogether()
    {
        var time = new VirtualTimeProvider(Start);
        var before = time.GetTimestamp();

        time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(Start.AddSeconds(90), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), time.GetElapsedTime(before));
        Assert.Equal(TimeZoneInfo.Utc, time.LocalTimeZone);
        Assert.Throws<ArgumentOutOfRangeException>(() => time.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.SetUtcNow(Start));
    }

    [Fact]
    public void Advance_PastSeveralTimers_FiresThemInDueOrderAtTheirDueTimes()
    {
        // Equal due times fire in the order they were scheduled; a periodic timer is rescheduled when it fires.
        var time = new VirtualTimeProvider(Start);
        var fired = new List<(string Name, TimeSpan At)>();
        void Record(object? name) => fired.Add(((string)name!, time.GetUtcNow() - Start));
        using var late = time.CreateTimer(Record, "late", TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var periodic = time.CreateTimer(Record, "periodic", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var tie = time.CreateTimer(Record, "tie", TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(
            [
                ("periodic", TimeSpan.FromSeconds(1)),
                ("tie", TimeSpan.FromSeconds(2)),
                ("periodic", TimeSpan.FromSeconds(2)),
                ("late", TimeSpan.FromSeconds(3)),
                ("periodic", TimeSpan.FromSeconds(3)),
            ],
            fired);
        Assert.Equal(Start.AddSeconds(3.5), time.GetUtcNow());
    }

    [Fact]
    public void Change_And_Dispose_BehaveLikeSystemTimers()
    {
        var time = new VirtualTimeProvider(Start);
        var count = 0;
        var timer = time.CreateTimer(_ => count++, null, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, count);

        Assert.True(timer.Change(TimeSpan.FromSeconds(2), TimeSpan.Zero));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, count);

        Assert.True(timer.Change(TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        Assert.Equal(2, count);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, count);

        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(3, count);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.Zero));
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Fact]
    public void Callback_ChangingOrDisposingItsOwnTimer_WinsOverThePeriod()
    {
        var time = new VirtualTimeProvider(Start);
        var count = 0;
        ITimer? timer = null;
        timer = time.CreateTimer(
            _ =>
            {
                if (++count == 3)
                {
                    timer!.Dispose();
                }
            },
            null,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(3, count);
    }

    [Fact]
    public async Task Delay_OnFakeTime_CompletesOnlyWhenAdvanced()
    {
        var time = new VirtualTimeProvider(Start);

        var delay = Task.Delay(TimeSpan.FromMinutes(5), time);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromTicks(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
