using Harness.Testcontainers;

namespace FailoverAgent.Tests;

/// <summary>
/// The agent against the harness in a container, started through the Testcontainers module: the agent reaches its
/// metadata through the published metadata port, its client id as the path. Needs a Docker engine and the image
/// harness:local (bash scripts/build-image.sh); with Testcontainers 3 and no registry, TESTCONTAINERS_RYUK_DISABLED=true.
/// </summary>
[Collection(AgentCollection.Name)]
public sealed class ContainerHarnessTests : IAsyncLifetime
{
    private readonly HarnessContainer harness = new HarnessBuilder().WithSeed(7).Build();

    public Task InitializeAsync() => harness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task TheAgent_DeclaresOnlyAfterItsMetadataListsTheAddress()
    {
        using var control = harness.CreateClient();

        var verdict = await Rehearsal.RunAsync(control, harness.Ec2Endpoint, agent => harness.GetMetadataEndpoint(agent.Id).ToString(), waitForMetadata: true);

        Assert.True(verdict.Waited, verdict.ToString());
    }

    [Fact]
    public async Task ANaiveAgent_IsCaughtThroughTheContainerToo()
    {
        using var control = harness.CreateClient();

        var verdict = await Rehearsal.RunAsync(control, harness.Ec2Endpoint, agent => harness.GetMetadataEndpoint(agent.Id).ToString(), waitForMetadata: false);

        Assert.False(verdict.Waited, verdict.ToString());
    }
}
