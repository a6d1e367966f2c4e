using Harness.Load.Engine;
using Harness.Load.Http;

namespace Harness.Load.Tests.Http;

/// <summary>The engine driving the client: what the steps count is what the server answered.</summary>
public sealed class LoadEngineHttpTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    [Fact]
    public async Task RunAsync_KeepFourCopiesForOneSecond_StepCountEqualsServerRequests()
    {
        using var client = new RawHttpClient(server.EndPoint);
        var request = RawHttpClient.Get(server.Host, "/length");
        var scenario = new LoadScenario("get", async context => await context.StepAsync("GET /length", async ct =>
        {
            var reply = await client.SendAsync(request, ct);
            return reply.BodyText == KestrelServer.Hello ? StepResult.Ok : StepResult.Fail(reply.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }))
        {
            Simulations = LoadSimulation.Parse("keep(copies=4,during=1s)"),
        };
        var before = server.Requests;

        var run = await LoadEngine.RunAsync([scenario], LoadEngineOptions.Default, TimeProvider.System);

        var step = Assert.Single(run.Scenarios[0].Steps);
        Assert.True(step.Count > 0);
        Assert.Equal(0, step.Failed);
        Assert.Equal(server.Requests - before, step.Count);
        Assert.Equal(step.Started, step.Count);
        Assert.InRange(client.ConnectionsOpened, 1, 4);
    }
}
