using System.Net;
using Harness.Host;

namespace Harness.Ec2.Tests;

/// <summary><c>serve --orleans-dashboard</c>: Orleans' dashboard on the control port, showing the harness's own grains.</summary>
public sealed class OrleansDashboardTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dashboard_WhenOn_ServesItsPageAndCountsTheHarnessGrains()
    {
        var server = await HarnessServer.StartAsync(new HarnessHostOptions(Seed: 7) { OrleansDashboard = true });
        try
        {
            await Protocol.TopologyBuilder.SubnetAsync(server);

            using var page = await server.Http.GetAsync($"{HarnessApp.DashboardPath}/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

            // Its counters refresh about once a second: wait until they show the subnet grain the call above activated.
            using var guard = new CancellationTokenSource(HangGuard);
            string counters;
            while (!(counters = await server.Http.GetStringAsync($"{HarnessApp.DashboardPath}/DashboardCounters")).Contains("SubnetGrain", StringComparison.Ordinal))
            {
                Assert.False(guard.IsCancellationRequested, $"The dashboard never counted a SubnetGrain: {counters}");
                await Task.Delay(100, CancellationToken.None);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dashboard_WhenOff_IsNotServed()
    {
        var server = await HarnessServer.StartAsync(new HarnessHostOptions(Seed: 7));
        try
        {
            using var page = await server.Http.GetAsync($"{HarnessApp.DashboardPath}/");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
