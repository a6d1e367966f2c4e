namespace Harness.Runtime.Tests;

public interface IDagNodeGrain : IGrainWithStringKey
{
    /// <summary>Calls this node's children and returns how many leaves the call reached.</summary>
    Task<long> VisitAsync();

    Task<long> GetVisitsAsync();
}

public sealed class DagNodeGrain : Grain, IDagNodeGrain
{
    private long visits;

    public async Task<long> VisitAsync()
    {
        // A read-modify-write across awaits: overlapping turns would lose visits.
        var before = visits;
        var (layer, index) = CallDagTests.Parse(GetPrimaryKeyString());
        long leaves;
        if (layer == CallDagTests.Layers - 1)
        {
            await Task.Yield();
            leaves = 1;
        }
        else
        {
            var calls = CallDagTests.Children(index)
                .Select(child => GrainFactory.GetGrain<IDagNodeGrain>(CallDagTests.Key(layer + 1, child)).VisitAsync());
            leaves = (await Task.WhenAll(calls)).Sum();
        }

        visits = before + 1;
        return leaves;
    }

    public Task<long> GetVisitsAsync() => Task.FromResult(visits);
}

public sealed class CallDagTests
{
    public const int Layers = 4;
    public const int Width = 8;

    private const int TopLevelCalls = 50_000;
    private const int Callers = 100;
    private const int Batch = 25;

    public static string Key(int layer, int index) => $"{layer}/{index}";

    public static (int Layer, int Index) Parse(string key)
    {
        var slash = key.IndexOf('/');
        return (int.Parse(key[..slash]), int.Parse(key[(slash + 1)..]));
    }

    /// <summary>Two or three children in the next layer; the DAG has no cycles, so no call can wait on itself.</summary>
    public static int[] Children(int index) => index % 2 == 0
        ? [(index + 1) % Width, (index + 3) % Width, (index + 5) % Width]
        : [(index + 1) % Width, (index + 3) % Width];

    [Fact]
    public async Task Call_LayeredDagUnderHeavyConcurrency_AllCompleteWithExactTotals()
    {
        await using var host = new GrainTestHost(r => r.Add<IDagNodeGrain, DagNodeGrain>());

        // Expected visits per node and leaves per top-level call, computed without the runtime.
        var expectedVisits = new long[Layers, Width];
        for (var call = 0; call < TopLevelCalls; call++)
        {
            expectedVisits[0, call % Width]++;
        }

        for (var layer = 0; layer < Layers - 1; layer++)
        {
            for (var index = 0; index < Width; index++)
            {
                foreach (var child in Children(index))
                {
                    expectedVisits[layer + 1, child] += expectedVisits[layer, index];
                }
            }
        }

        long expectedLeaves = 0;
        for (var index = 0; index < Width; index++)
        {
            expectedLeaves += expectedVisits[Layers - 1, index];
        }

        long leaves = 0;
        long completed = 0;
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var first = caller; first < TopLevelCalls; first += Callers * Batch)
            {
                var batch = Enumerable.Range(0, Batch)
                    .Select(i => first + (i * Callers))
                    .Where(call => call < TopLevelCalls)
                    .Select(call => host.Get<IDagNodeGrain>(Key(0, call % Width)).VisitAsync());
                foreach (var reached in await Task.WhenAll(batch))
                {
                    Interlocked.Add(ref leaves, reached);
                    Interlocked.Increment(ref completed);
                }
            }
        }));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(TopLevelCalls, completed);
        Assert.Equal(expectedLeaves, leaves);
        for (var layer = 0; layer < Layers; layer++)
        {
            for (var index = 0; index < Width; index++)
            {
                Assert.Equal(expectedVisits[layer, index], await host.Get<IDagNodeGrain>(Key(layer, index)).GetVisitsAsync());
            }
        }

        Assert.Equal(Layers * Width, host.Runtime.ActivationCount);
    }
}
