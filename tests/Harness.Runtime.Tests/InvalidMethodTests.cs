namespace Harness.Runtime.Tests;

public interface IMisdeclaredGrain : IGrainWithStringKey
{
    int GetNumber();

    void Fire();

    ValueTask<int> GetNumberAsync();

    Task<int> GetValidNumberAsync();
}

public sealed class MisdeclaredGrain(CounterProbe probe) : Grain, IMisdeclaredGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activated();
        return Task.CompletedTask;
    }

    public int GetNumber() => 1;

    public void Fire()
    {
    }

    public ValueTask<int> GetNumberAsync() => ValueTask.FromResult(1);

    public Task<int> GetValidNumberAsync() => Task.FromResult(2);
}

public sealed class InvalidMethodTests
{
    [Fact]
    public async Task Call_MethodNotReturningTask_ThrowsInvalidOperationExceptionWithoutActivating()
    {
        var probe = new CounterProbe();
        await using var host = new GrainTestHost(r => r.Add<IMisdeclaredGrain, MisdeclaredGrain>(), probe);
        var grain = host.Get<IMisdeclaredGrain>("a");

        var returnsInt = Assert.Throws<InvalidOperationException>(() => grain.GetNumber());
        Assert.Throws<InvalidOperationException>(grain.Fire);
        Assert.Throws<InvalidOperationException>(() => grain.GetNumberAsync());

        Assert.Contains(nameof(IMisdeclaredGrain.GetNumber), returnsInt.Message);
        Assert.Equal(0, probe.Activations);
        Assert.Equal(0, host.Runtime.ActivationCount);

        // A well-formed method on the same interface still works.
        Assert.Equal(2, await grain.GetValidNumberAsync());
        Assert.Equal(1, probe.Activations);
    }
}
