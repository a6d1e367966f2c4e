namespace Harness.Runtime.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();
}

public sealed class CounterProbe
{
    private int activations;

    public int Activations => Volatile.Read(ref activations);

    public void Activated() => Interlocked.Increment(ref activations);
}

public sealed class CounterGrain(CounterProbe probe) : Grain, ICounterGrain
{
    private int count;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        return Task.CompletedTask;
    }

    public Task<int> IncrementAsync() => Task.FromResult(++count);
}

public sealed class DeactivationTests
{
    [Fact]
    public async Task DeactivateAll_ThenCall_CreatesFreshActivationWithResetState()
    {
        var probe = new CounterProbe();
        await using var host = new GrainTestHost(r => r.Add<ICounterGrain, CounterGrain>(), probe);
        var a = host.Get<ICounterGrain>("a");
        var b = host.Get<ICounterGrain>("b");
        await a.IncrementAsync();
        Assert.Equal(2, await a.IncrementAsync());
        Assert.Equal(1, await b.IncrementAsync());
        Assert.Equal(2, host.Runtime.ActivationCount);

        host.Runtime.DeactivateAll();

        Assert.Equal(0, host.Runtime.ActivationCount);
        Assert.Equal(1, await a.IncrementAsync());
        Assert.Equal(1, await host.Get<ICounterGrain>("b").IncrementAsync());
        Assert.Equal(4, probe.Activations);
        Assert.Equal(2, host.Runtime.ActivationCount);
    }
}
