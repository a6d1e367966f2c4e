using System.Net;
using Harness.Ecs.Actions;
using Harness.Testing.Fuzz;

namespace Harness.Ec2.Tests.Protocol;

/// <summary>
/// Seeded raw-socket fuzzing of the Alibaba ECS/VPC listener, for every action of both tables: fitting and wrong ids,
/// missing, huge, negative, non-numeric, non-ASCII, duplicated and JSON-array values, wrong or missing Version, Action,
/// RegionId and Format, headers-only ACS3 requests, bad form bodies and broken framing. Not one reply may be a 500, and
/// every reply the handler writes must be JSON or XML with a Code (errors) or a RequestId (successes).
/// load/bench/fuzz.sh runs the same generator among the others a million times.
/// </summary>
public sealed class EcsFuzzTests(HarnessServer server) : IClassFixture<HarnessServer>
{
    [Fact]
    public void Catalog_NamesEveryServedAction_WithItsVersion()
    {
        var served = EcsActions.Handlers.Keys.Select(a => (a, "2014-05-26")).Concat(VpcActions.Handlers.Keys.Select(a => (a, "2016-04-28")));
        Assert.Equal(
            served.Order().ToArray(),
            EcsFuzzCatalog.Actions.Select(kv => (kv.Key, kv.Value.Version)).Order().ToArray());
    }

    [Fact]
    public async Task SeededMutations_OfEveryEcsAction_NeverAnswer500_AndEveryReplyHasACodeOrRequestId()
    {
        using var ecsHttp = new HttpClient { BaseAddress = server.EcsAddress };
        var topology = await EcsFuzzTopology.BuildAsync(ecsHttp, "78");
        var api = new IPEndPoint(IPAddress.Loopback, server.EcsAddress.Port);
        var random = new Random(1313);
        var ecs = new EcsMutator(random, topology);
        var run = new FuzzRun();

        await run.RunAsync(3000, 4, () => ("ecs", api, ecs.Next("127.0.0.1").Request), TimeSpan.FromSeconds(15), (_, reply, whole) => EcsReply.Problem(reply, whole));

        Assert.True(run.Failures == 0, $"{run.Failures} failures:\n" + string.Join("\n\n", run.FailureSamples));
        Assert.Equal(3000, run.Total);

        // The requests must reach the handlers and the framing checks alike: successes, not-founds, 4xx.
        var statuses = run.Counts.Keys.ToHashSet();
        Assert.Contains("ecs 200", statuses);
        Assert.Contains("ecs 400", statuses);
        Assert.Contains("ecs 403", statuses);
        Assert.Contains("ecs 404", statuses);
    }
}
