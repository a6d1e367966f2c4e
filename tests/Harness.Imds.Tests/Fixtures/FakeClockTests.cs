namespace Harness.Imds.Tests.Fixtures;

/// <summary>
/// Base of the fake-clock test classes: one harness per class (its tests run one at a time), reset before each
/// test, so every test starts with no instances and its first instance is served on 127.1.1.1.
/// </summary>
public abstract class FakeClockTests(FakeClockHarness harness) : IClassFixture<FakeClockHarness>, IAsyncLifetime
{
    protected FakeClockHarness Harness { get; } = harness;

    public Task InitializeAsync() => Harness.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A new VPC 10.0.0.0/16 with subnet 10.0.1.0/24, and one instance in it (<paramref name="extra"/> adds RunInstances parameters).</summary>
    protected async Task<Instance> LaunchAsync(
        string type = "m5.large", Func<Network, IDictionary<string, string>>? extra = null, string region = "us-east-1")
    {
        var network = await Topology.NetworkAsync(Harness, region);
        return await Topology.LaunchAsync(Harness, network, type, extra?.Invoke(network));
    }

    /// <summary>Moves the fake clock just past <see cref="HarnessFixture.Spec"/>, so every change made so far has propagated.</summary>
    protected void Propagate() => Harness.Advance(TimeSpan.FromMilliseconds(1500));
}
