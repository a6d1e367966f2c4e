namespace Harness.Runtime.Tests;

public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<int> PingAsync();
}

/// <summary>Fails its first activation (synchronously or after an await), then activates normally.</summary>
public sealed class FlakyActivationProbe(bool failAfterAwait)
{
    private int attempts;

    public bool FailAfterAwait { get; } = failAfterAwait;

    public int Attempt() => Interlocked.Increment(ref attempts);
}

public sealed class FlakyActivationGrain(FlakyActivationProbe probe) : Grain, IFlakyActivationGrain
{
    private int attempt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        attempt = probe.Attempt();
        if (probe.FailAfterAwait)
        {
            await Task.Yield();
        }

        if (attempt == 1)
        {
            throw new InvalidOperationException("activation failed");
        }
    }

    public Task<int> PingAsync() => Task.FromResult(attempt);
}

public sealed class ActivationFailureTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_WhenActivationFails_FailsWithItsError_AndTheNextCallActivatesAfresh(bool failAfterAwait)
    {
        var probe = new FlakyActivationProbe(failAfterAwait);
        await using var host = new GrainTestHost(r => r.Add<IFlakyActivationGrain, FlakyActivationGrain>(), probe);
        var grain = host.Get<IFlakyActivationGrain>("a");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.PingAsync().WaitAsync(GrainTestHost.HangGuard));
        var second = await grain.PingAsync().WaitAsync(GrainTestHost.HangGuard);

        Assert.Equal("activation failed", error.Message);
        Assert.Equal(2, second);
    }
}
