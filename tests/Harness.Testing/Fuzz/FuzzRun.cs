using System.Collections.Concurrent;
using System.Net;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Counts what seeded fuzz requests got back, by service and status. A 500, a connection closed without a reply and a
/// request left unanswered are failures; the first few are kept with the request that caused them.
/// </summary>
public sealed class FuzzRun
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> failures = new();
    private long failureCount;

    public IReadOnlyDictionary<string, long> Counts => counts;

    public long Failures => Interlocked.Read(ref failureCount);

    public IEnumerable<string> FailureSamples => failures;

    public long Total => counts.Values.Sum();

    public async Task SendAsync(string service, IPEndPoint server, byte[] request, TimeSpan timeout)
    {
        var outcome = await RawExchange.SendAsync(server, request, timeout);
        counts.AddOrUpdate($"{service} {outcome}", 1, (_, n) => n + 1);
        if (outcome.Dropped || outcome.Hung || outcome.Status is >= 500 or < 0)
        {
            Interlocked.Increment(ref failureCount);
            if (failures.Count < 20)
            {
                var text = System.Text.Encoding.UTF8.GetString(request);
                failures.Enqueue($"{service} {outcome}: {(text.Length > 600 ? text[..600] + "…" : text)}");
            }
        }
    }

    /// <summary>Runs <paramref name="requests"/> requests, <paramref name="concurrency"/> at a time, each built by <paramref name="next"/> (called in order, so seeded runs repeat).</summary>
    public async Task RunAsync(int requests, int concurrency, Func<(string Service, IPEndPoint Server, byte[] Request)> next, TimeSpan timeout)
    {
        var gate = new object();
        var issued = 0;
        async Task Worker()
        {
            while (true)
            {
                (string Service, IPEndPoint Server, byte[] Request) item;
                lock (gate)
                {
                    if (issued == requests)
                    {
                        return;
                    }

                    issued++;
                    item = next();
                }

                await SendAsync(item.Service, item.Server, item.Request, timeout);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
    }
}
