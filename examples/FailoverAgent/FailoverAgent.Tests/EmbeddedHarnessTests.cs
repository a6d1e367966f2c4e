using Harness.Client;
using Harness.Host;

namespace FailoverAgent.Tests;

/// <summary>The agent against a harness embedded in the test process: no container, no port to choose.</summary>
[Collection(AgentCollection.Name)]
public sealed class EmbeddedHarnessTests : IAsyncLifetime
{
    private HarnessApplication harness = null!;
    private HarnessClient control = null!;

    public async Task InitializeAsync()
    {
        harness = HarnessApp.Build(new HarnessHostOptions(Ec2Port: 0, ImdsPort: 0, Seed: 7));
        await harness.StartAsync();
        control = new HarnessClient(new Uri(harness.Ec2Url));
    }

    public async Task DisposeAsync()
    {
        control.Dispose();
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task TheAgent_DeclaresOnlyAfterItsMetadataListsTheAddress()
    {
        var verdict = await Rehearsal.RunAsync(control, new Uri(harness.Ec2Url), agent => agent.ImdsEndpoint, waitForMetadata: true);

        Assert.True(verdict.Waited, verdict.ToString());
        Assert.True(verdict.Result.Declared - verdict.Result.Assigned >= TimeSpan.FromSeconds(1), $"declared {verdict.Result.Declared} after EC2 answered at {verdict.Result.Assigned}: sooner than the 1500 ms the metadata takes");
    }

    /// <summary>The check that makes the test above worth having: an agent that does not wait fails it.</summary>
    [Fact]
    public async Task ANaiveAgent_ThatDeclaresWhenEc2Answers_IsCaught()
    {
        var verdict = await Rehearsal.RunAsync(control, new Uri(harness.Ec2Url), agent => agent.ImdsEndpoint, waitForMetadata: false);

        Assert.False(verdict.Waited, verdict.ToString());
        Assert.NotNull(verdict.Moved);
    }
}
