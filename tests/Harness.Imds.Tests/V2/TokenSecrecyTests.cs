using System.Net;
using Harness.Imds.Tests.Fixtures;

namespace Harness.Imds.Tests.V2;

/// <summary>
/// Tokens are secrets: keyed from a CSPRNG, never from the seed. Two harnesses with the same seed, the same fake time
/// and the same calls (a restart after <c>kill -9</c>, or anyone who knows the seed) serve the same instance at the
/// same address, and neither takes the other's token.
/// </summary>
public sealed class TokenSecrecyTests
{
    [Fact]
    public async Task Token_FromAnotherHarnessWithTheSameSeedAndCalls_Is401()
    {
        var first = new FakeClockHarness();
        var second = new FakeClockHarness();
        await first.InitializeAsync();
        await second.InitializeAsync();
        try
        {
            var one = await Topology.LaunchAsync(first, await Topology.NetworkAsync(first));
            var two = await Topology.LaunchAsync(second, await Topology.NetworkAsync(second));
            var firstToken = await first.TokenAsync(one.Address);
            var secondToken = await second.TokenAsync(two.Address);

            var own = await second.GetImdsAsync(two.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, secondToken));
            var foreign = await second.GetImdsAsync(two.Address, "/latest/meta-data/instance-id", (ImdsHeaders.Token, firstToken));

            Assert.Equal((one.InstanceId, one.Address), (two.InstanceId, two.Address));
            Assert.NotEqual(firstToken, secondToken);
            Assert.Equal(HttpStatusCode.OK, own.Status);
            Assert.Equal(HttpStatusCode.Unauthorized, foreign.Status);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }
}
