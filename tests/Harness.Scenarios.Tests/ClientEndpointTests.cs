using Harness.Scenarios.Running;

namespace Harness.Scenarios.Tests;

/// <summary>
/// Which metadata base URL a scenario gives its client: the client's own loopback address when the harness runs on this
/// machine, and the metadata port with the client's id as the path when the runner reached the harness by another host
/// (a harness in another container: its loopback addresses are not this machine's).
/// </summary>
public sealed class ClientEndpointTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("http://127.0.0.1:4580/_harness/clients/client-1/ec2", "http://127.0.10.1:4581")]
    [InlineData("http://localhost:4580/_harness/clients/client-1/ec2", "http://127.0.10.1:4581")]
    [InlineData("http://[::1]:4580/_harness/clients/client-1/ec2", "http://127.0.10.1:4581")]
    [InlineData("http://harness:4580/_harness/clients/client-1/ec2", "http://harness:4581/client-1/")]
    [InlineData("http://10.1.2.3:4580/_harness/clients/client-1/ec2", "http://harness:4581/client-1/")]
    public void TheClientGetsTheAddressItCanReach(string ec2Endpoint, string expected)
    {
        var document = new ClientDocument("client-1", "agent", "i-0123456789abcdef0", "http://127.0.10.1:4581", ec2Endpoint, At, null,
            "http://harness:4581/client-1/");

        Assert.Equal(expected, document.MetadataEndpointForClient);
    }

    [Fact]
    public void AHarnessWithoutMetadataUrl_StillGivesTheOwnAddress()
    {
        var document = new ClientDocument("client-1", "agent", "i-0123456789abcdef0", "http://127.0.10.1:4581", "http://harness:4580/x", At, null);

        Assert.Equal("http://127.0.10.1:4581", document.MetadataEndpointForClient);
    }
}
