namespace Harness.Runtime.Tests;

public sealed class GrainFailureException(string message) : Exception(message);

public interface IFailingGrain : IGrainWithStringKey
{
    Task ThrowNowAsync(string message);

    Task ThrowAfterAwaitAsync(string message);

    Task<int> ThrowNowWithResultAsync(string message);

    Task<int> ThrowAfterAwaitWithResultAsync(string message);

    Task<int> IncrementAsync();
}

public sealed class FailingGrain : Grain, IFailingGrain
{
    private int count;

    public Task ThrowNowAsync(string message) => throw new GrainFailureException(message);

    public async Task ThrowAfterAwaitAsync(string message)
    {
        await Task.Yield();
        throw new GrainFailureException(message);
    }

    public Task<int> ThrowNowWithResultAsync(string message) => throw new GrainFailureException(message);

    public async Task<int> ThrowAfterAwaitWithResultAsync(string message)
    {
        count += 100;
        await Task.Yield();
        throw new GrainFailureException(message);
    }

    public Task<int> IncrementAsync() => Task.FromResult(++count);
}

public sealed class ExceptionTests
{
    private static GrainTestHost Host() => new(r => r.Add<IFailingGrain, FailingGrain>());

    [Fact]
    public async Task Call_MethodThrowsSynchronously_FaultsCallersTaskWithSameException()
    {
        await using var host = Host();
        var grain = host.Get<IFailingGrain>("a");

        // The exception travels in the task, never out of the call itself.
        var call = grain.ThrowNowAsync("sync boom");
        var error = await Assert.ThrowsAsync<GrainFailureException>(() => call.WaitAsync(GrainTestHost.HangGuard));

        Assert.Equal("sync boom", error.Message);
    }

    [Fact]
    public async Task Call_MethodThrowsAfterAwait_FaultsCallersTaskWithSameException()
    {
        await using var host = Host();
        var grain = host.Get<IFailingGrain>("a");

        var error = await Assert.ThrowsAsync<GrainFailureException>(
            () => grain.ThrowAfterAwaitAsync("async boom").WaitAsync(GrainTestHost.HangGuard));

        Assert.Equal("async boom", error.Message);
    }

    [Fact]
    public async Task Call_MethodWithResultThrows_FaultsCallersTaskWithSameException()
    {
        await using var host = Host();
        var grain = host.Get<IFailingGrain>("a");

        var now = await Assert.ThrowsAsync<GrainFailureException>(
            () => grain.ThrowNowWithResultAsync("sync result boom").WaitAsync(GrainTestHost.HangGuard));
        var later = await Assert.ThrowsAsync<GrainFailureException>(
            () => grain.ThrowAfterAwaitWithResultAsync("async result boom").WaitAsync(GrainTestHost.HangGuard));

        Assert.Equal("sync result boom", now.Message);
        Assert.Equal("async result boom", later.Message);
    }

    [Fact]
    public async Task Call_AfterMethodsThrew_SameActivationKeepsWorking()
    {
        await using var host = Host();
        var grain = host.Get<IFailingGrain>("a");

        Assert.Equal(1, await grain.IncrementAsync());
        var failures = new[]
        {
            grain.ThrowNowAsync("1"),
            grain.ThrowAfterAwaitAsync("2"),
            grain.ThrowNowWithResultAsync("3"),
            grain.ThrowAfterAwaitWithResultAsync("4"),
        };
        var next = grain.IncrementAsync();
        foreach (var failure in failures)
        {
            await Assert.ThrowsAsync<GrainFailureException>(() => failure.WaitAsync(GrainTestHost.HangGuard));
        }

        // State survived (1), the faulted turn's partial update stayed (+100), and nothing was re-activated.
        Assert.Equal(102, await next.WaitAsync(GrainTestHost.HangGuard));
        Assert.Equal(1, host.Runtime.ActivationCount);
    }
}
