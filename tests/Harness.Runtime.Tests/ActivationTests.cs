using System.Collections.Concurrent;

namespace Harness.Runtime.Tests;

public interface IActivationGrain : IGrainWithStringKey
{
    Task<int> GetActivationIdAsync();
}

public sealed class ActivationProbe(bool gateActivation = false)
{
    private int constructions;
    private int activations;

    public int Constructions => Volatile.Read(ref constructions);

    public int Activations => Volatile.Read(ref activations);

    public ConcurrentQueue<string> Events { get; } = new();

    public Gates Gates { get; } = new();

    public bool GateActivation { get; } = gateActivation;

    public int Constructed() => Interlocked.Increment(ref constructions);

    public void Activated() => Interlocked.Increment(ref activations);
}

public sealed class ActivationGrain : Grain, IActivationGrain
{
    private readonly ActivationProbe probe;
    private readonly int id;

    public ActivationGrain(ActivationProbe probe)
    {
        this.probe = probe;
        id = probe.Constructed();
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Events.Enqueue($"activate-start {GetPrimaryKeyString()}");
        probe.Gates.Open("activate-entered");
        if (probe.GateActivation)
        {
            await probe.Gates["activate-release"];
        }

        probe.Activated();
        probe.Events.Enqueue($"activate-end {GetPrimaryKeyString()}");
    }

    public Task<int> GetActivationIdAsync()
    {
        probe.Events.Enqueue($"call {GetPrimaryKeyString()}");
        return Task.FromResult(id);
    }
}

public sealed class ActivationTests
{
    private static GrainTestHost Host(ActivationProbe probe) => new(r => r.Add<IActivationGrain, ActivationGrain>(), probe);

    [Fact]
    public async Task GetGrain_BeforeAnyCall_ActivatesNothing()
    {
        var probe = new ActivationProbe();
        await using var host = Host(probe);

        _ = host.Get<IActivationGrain>("a");

        Assert.Equal(0, probe.Constructions);
        Assert.Equal(0, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task Call_FirstOnKey_ActivatesExactlyOnce()
    {
        var probe = new ActivationProbe();
        await using var host = Host(probe);

        var first = await host.Get<IActivationGrain>("a").GetActivationIdAsync();
        var again = await host.Get<IActivationGrain>("a").GetActivationIdAsync();

        Assert.Equal(1, probe.Constructions);
        Assert.Equal(1, probe.Activations);
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Call_SecondReferenceToSameKey_ReachesSameActivation()
    {
        var probe = new ActivationProbe();
        await using var host = Host(probe);
        var one = host.Get<IActivationGrain>("shared");
        var two = host.Get<IActivationGrain>("shared");

        var viaOne = await one.GetActivationIdAsync();
        var viaTwo = await two.GetActivationIdAsync();

        Assert.NotSame(one, two);
        Assert.Equal(viaOne, viaTwo);
        Assert.Equal(1, probe.Constructions);
    }

    [Fact]
    public async Task Call_DifferentKeys_ReachDifferentActivations()
    {
        var probe = new ActivationProbe();
        await using var host = Host(probe);

        var a = await host.Get<IActivationGrain>("a").GetActivationIdAsync();
        var b = await host.Get<IActivationGrain>("b").GetActivationIdAsync();

        Assert.NotEqual(a, b);
        Assert.Equal(2, probe.Constructions);
        Assert.Equal(2, probe.Activations);
        Assert.Equal(2, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task Call_ManyConcurrentFirstCallsOnOneKey_ActivateOnce()
    {
        var probe = new ActivationProbe();
        await using var host = Host(probe);

        var ids = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() => host.Get<IActivationGrain>("hot").GetActivationIdAsync())))
            .WaitAsync(GrainTestHost.HangGuard);

        Assert.Single(ids.Distinct());
        Assert.Equal(1, probe.Constructions);
        Assert.Equal(1, probe.Activations);
    }

    [Fact]
    public async Task Call_WhileOnActivateAsyncAwaits_WaitsForActivationToComplete()
    {
        var probe = new ActivationProbe(gateActivation: true);
        await using var host = Host(probe);

        var call = host.Get<IActivationGrain>("a").GetActivationIdAsync();
        await probe.Gates["activate-entered"].WaitAsync(GrainTestHost.HangGuard);

        Assert.False(call.IsCompleted);
        Assert.Equal(["activate-start a"], probe.Events);

        probe.Gates.Open("activate-release");
        await call.WaitAsync(GrainTestHost.HangGuard);

        Assert.Equal(["activate-start a", "activate-end a", "call a"], probe.Events);
    }
}
