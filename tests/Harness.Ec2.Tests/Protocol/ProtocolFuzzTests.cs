using System.Net;
using Harness.Testing.Fuzz;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// Seeded raw-socket fuzzing of all three listeners (EC2 Query API, an instance's metadata service, the control API):
/// mutated indexes, names, values, duplicates, drops, long lists, bad percent-encoding and broken HTTP framing. Not one
/// reply may be a 500, and no connection may close without a reply (the metadata instance is never stopped, so it has
/// no reason to drop one). load/bench/fuzz.sh runs the same generators a million times.
/// </summary>
public sealed class ProtocolFuzzTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Fact]
    public async Task SeededMutations_OfEveryListener_NeverAnswer500NorDropAConnection()
    {
        var topology = await FuzzTopology.BuildAsync(server.Http, "77");
        var api = new IPEndPoint(IPAddress.Loopback, server.BaseAddress.Port);
        var random = new Random(1313);
        var ec2 = new Ec2Mutator(random, topology.Ids);
        var imds = new ImdsMutator(random);
        var control = new ControlMutator(random, topology.Ids);
        var run = new FuzzRun();

        await run.RunAsync(3000, 4, () => ("ec2", api, ec2.Next("127.0.0.1").Request), TimeSpan.FromSeconds(15));
        await run.RunAsync(400, 4, () => ("imds", topology.Imds, imds.Next(topology.Imds.Address.ToString())), TimeSpan.FromSeconds(15));
        await run.RunAsync(300, 4, () => ("control", api, control.Next("127.0.0.1")), TimeSpan.FromSeconds(15));

        Assert.True(run.Failures == 0, $"{run.Failures} failures:\n" + string.Join("\n\n", run.FailureSamples));
        Assert.Equal(3700, run.Total);

        // The mutations must reach the handlers and the framing checks alike: successes, 4xx of each kind.
        var statuses = run.Counts.Keys.ToHashSet();
        Assert.Contains("ec2 200", statuses);
        Assert.Contains("ec2 400", statuses);
        Assert.Contains("ec2 413", statuses);
        Assert.Contains("imds 200", statuses);
        Assert.Contains("control 200", statuses);
    }
}
