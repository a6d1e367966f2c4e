using Harness.Load.Tests.Http;
using Harness.Load.Workloads;

namespace Harness.Load.Tests.Workloads;

/// <summary><c>harness-load --target A,B</c>: the EC2 client sends each call to the next endpoint in turn; the control API is the first's.</summary>
public sealed class Ec2ApiSpreadTests : IAsyncLifetime
{
    private readonly KestrelServer first = new();
    private readonly KestrelServer second = new();

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        await second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task CallsAndPreparedSends_GoToEachEndpointInTurn()
    {
        using var ec2 = new Ec2Api([new Uri($"http://{first.Host}/"), new Uri($"http://{second.Host}/")], connections: 4);

        for (var i = 0; i < 6; i++)
        {
            await ec2.CallAsync("DescribeVpcs", "", CancellationToken.None);
        }

        var prepared = ec2.Prepare("DescribeVpcs", "");
        for (var i = 0; i < 4; i++)
        {
            await ec2.SendAsync(prepared, CancellationToken.None);
        }

        Assert.Equal(5, first.Requests);
        Assert.Equal(5, second.Requests);
        Assert.Equal(new Uri($"http://{first.Host}/"), ec2.Endpoint);
    }

    [Fact]
    public async Task OneEndpoint_TakesEveryCall()
    {
        using var ec2 = new Ec2Api(new Uri($"http://{first.Host}/"), connections: 2);

        for (var i = 0; i < 3; i++)
        {
            await ec2.CallAsync("DescribeVpcs", "", CancellationToken.None);
        }

        Assert.Equal(3, first.Requests);
        Assert.Equal(0, second.Requests);
    }
}
