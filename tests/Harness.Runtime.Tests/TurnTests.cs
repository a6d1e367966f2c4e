namespace Harness.Runtime.Tests;

public interface ITurnGrain : IGrainWithStringKey
{
    Task HoldAsync(string label);

    Task<int> EnterAsync();

    Task<int> GetCallsAsync();
}

public sealed class TurnProbe
{
    private int inside;
    private int maxInside;

    public Gates Gates { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<string> Events { get; } = new();

    public int MaxInside => Volatile.Read(ref maxInside);

    public void Enter()
    {
        var now = Interlocked.Increment(ref inside);
        int seen;
        while (now > (seen = Volatile.Read(ref maxInside)) && Interlocked.CompareExchange(ref maxInside, now, seen) != seen)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref inside);
}

public sealed class TurnGrain(TurnProbe probe) : Grain, ITurnGrain
{
    private int calls;

    public async Task HoldAsync(string label)
    {
        probe.Events.Enqueue($"start {label}");
        probe.Gates.Open($"entered {label}");
        await probe.Gates[$"release {label}"];
        probe.Events.Enqueue($"end {label}");
    }

    public async Task<int> EnterAsync()
    {
        probe.Enter();
        var before = calls;
        await Task.Yield();

        // A read-modify-write across an await: overlapping turns would lose updates.
        calls = before + 1;
        probe.Exit();
        return calls;
    }

    public Task<int> GetCallsAsync() => Task.FromResult(calls);
}

public sealed class TurnTests
{
    private static GrainTestHost Host(TurnProbe probe) => new(r => r.Add<ITurnGrain, TurnGrain>(), probe);

    [Fact]
    public async Task Call_WhileAnotherCallAwaitsOnSameKey_DoesNotStartUntilItCompletes()
    {
        var probe = new TurnProbe();
        await using var host = Host(probe);
        var grain = host.Get<ITurnGrain>("a");

        var first = grain.HoldAsync("1");
        await probe.Gates["entered 1"].WaitAsync(GrainTestHost.HangGuard);
        var second = host.Get<ITurnGrain>("a").HoldAsync("2");

        Assert.False(probe.Gates.IsOpen("entered 2"));
        Assert.False(second.IsCompleted);

        probe.Gates.Open("release 1");
        await first.WaitAsync(GrainTestHost.HangGuard);
        await probe.Gates["entered 2"].WaitAsync(GrainTestHost.HangGuard);
        probe.Gates.Open("release 2");
        await second.WaitAsync(GrainTestHost.HangGuard);

        Assert.Equal(["start 1", "end 1", "start 2", "end 2"], probe.Events);
    }

    [Fact]
    public async Task Call_ThousandConcurrentCallsAcrossThreads_NeverOverlap()
    {
        var probe = new TurnProbe();
        await using var host = Host(probe);

        var results = await Task.WhenAll(Enumerable.Range(0, 1_000)
            .Select(_ => Task.Run(() => host.Get<ITurnGrain>("a").EnterAsync())))
            .WaitAsync(GrainTestHost.HangGuard);

        Assert.Equal(1, probe.MaxInside);
        Assert.Equal(Enumerable.Range(1, 1_000), results.Order());
        Assert.Equal(1_000, await host.Get<ITurnGrain>("a").GetCallsAsync());
    }

    [Fact]
    public async Task Call_DifferentKeys_RunConcurrently()
    {
        var probe = new TurnProbe();
        await using var host = Host(probe);

        var a = host.Get<ITurnGrain>("a").HoldAsync("a");
        var b = host.Get<ITurnGrain>("b").HoldAsync("b");

        // Both turns are mid-await at once; were calls serialized across keys, "entered b" would never open.
        await Task.WhenAll(probe.Gates["entered a"], probe.Gates["entered b"]).WaitAsync(GrainTestHost.HangGuard);
        Assert.False(a.IsCompleted);
        Assert.False(b.IsCompleted);

        probe.Gates.Open("release b");
        await b.WaitAsync(GrainTestHost.HangGuard);
        Assert.False(a.IsCompleted);
        probe.Gates.Open("release a");
        await a.WaitAsync(GrainTestHost.HangGuard);
    }
}
