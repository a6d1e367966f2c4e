namespace Harness.Runtime.Tests;

public interface ITickerGrain : IGrainWithStringKey
{
    Task StartAsync();

    Task HoldAsync();

    Task<IReadOnlyList<DateTimeOffset>> GetTicksAsync();
}

public sealed class TickerProbe
{
    private int ticks;
    private int overlaps;

    public Gates Gates { get; } = new();

    public bool GateTicks { get; init; }

    public int Ticks => Volatile.Read(ref ticks);

    public int Overlaps => Volatile.Read(ref overlaps);

    public void Ticked() => Interlocked.Increment(ref ticks);

    public void Overlapped() => Interlocked.Increment(ref overlaps);
}

public sealed class TickerGrain(TickerProbe probe) : Grain, ITickerGrain
{
    private readonly List<DateTimeOffset> ticks = [];
    private bool inCall;

    public Task StartAsync()
    {
        RegisterTimer(OnTickAsync, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public async Task HoldAsync()
    {
        inCall = true;
        probe.Gates.Open("hold entered");
        await probe.Gates["hold release"];
        inCall = false;
    }

    public Task<IReadOnlyList<DateTimeOffset>> GetTicksAsync()
    {
        if (inCall)
        {
            probe.Overlapped();
        }

        return Task.FromResult<IReadOnlyList<DateTimeOffset>>([.. ticks]);
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        if (inCall)
        {
            probe.Overlapped();
        }

        ticks.Add(TimeProvider.GetUtcNow());
        probe.Ticked();
        if (probe.GateTicks)
        {
            inCall = true;
            probe.Gates.Open("tick entered");
            await probe.Gates["tick release"];
            inCall = false;
        }
    }
}

public sealed class TimerTests
{
    private static GrainTestHost Host(TickerProbe probe) => new(r => r.Add<ITickerGrain, TickerGrain>(), probe);

    private static TimeSpan[] Offsets(GrainTestHost host, IEnumerable<DateTimeOffset> ticks) =>
        [.. ticks.Select(t => t - host.Time.Start)];

    [Fact]
    public async Task RegisterTimer_Due5sPeriod1s_FiresNothingBeforeDueThenOncePerSecond()
    {
        var probe = new TickerProbe();
        await using var host = Host(probe);
        var grain = host.Get<ITickerGrain>("a");
        await grain.StartAsync();

        host.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Empty(await grain.GetTicksAsync());

        host.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal([TimeSpan.FromSeconds(5)], Offsets(host, await grain.GetTicksAsync()));

        host.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(await grain.GetTicksAsync());

        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await grain.GetTicksAsync()).Count);

        // One big step still fires once per elapsed period, each at its own due time.
        host.Time.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(
            [5, 6, 7, 8, 9],
            Offsets(host, await grain.GetTicksAsync()).Select(o => o.TotalSeconds));
    }

    [Fact]
    public async Task TimerTick_WhileCallIsMidAwait_WaitsForThatTurnToFinish()
    {
        var probe = new TickerProbe();
        await using var host = Host(probe);
        var grain = host.Get<ITickerGrain>("a");
        await grain.StartAsync();

        var hold = grain.HoldAsync();
        await probe.Gates["hold entered"].WaitAsync(GrainTestHost.HangGuard);
        host.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, probe.Ticks);

        probe.Gates.Open("hold release");
        await hold.WaitAsync(GrainTestHost.HangGuard);
        var ticks = await grain.GetTicksAsync().WaitAsync(GrainTestHost.HangGuard);

        Assert.Single(ticks);
        Assert.Equal(0, probe.Overlaps);
    }

    [Fact]
    public async Task Call_WhileTimerTickIsMidAwait_WaitsForTheTickToFinish()
    {
        var probe = new TickerProbe { GateTicks = true };
        await using var host = Host(probe);
        var grain = host.Get<ITickerGrain>("a");
        await grain.StartAsync();

        host.Time.Advance(TimeSpan.FromSeconds(5));
        await probe.Gates["tick entered"].WaitAsync(GrainTestHost.HangGuard);
        var call = grain.GetTicksAsync();

        Assert.False(call.IsCompleted);

        probe.Gates.Open("tick release");
        Assert.Single(await call.WaitAsync(GrainTestHost.HangGuard));
        Assert.Equal(0, probe.Overlaps);
    }

    [Fact]
    public async Task RegisterTimer_AfterDeactivateAll_StopsFiring()
    {
        var probe = new TickerProbe();
        await using var host = Host(probe);
        var grain = host.Get<ITickerGrain>("a");
        await grain.StartAsync();
        host.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(2, (await grain.GetTicksAsync()).Count);

        host.Runtime.DeactivateAll();
        host.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(2, probe.Ticks);
        Assert.Equal(0, host.Time.ArmedTimerCount);

        // The fresh activation has no timer until it registers one.
        Assert.Empty(await grain.GetTicksAsync());
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, probe.Ticks);
    }
}
