using System.Collections.Concurrent;
using System.Net;

namespace Harness.Testing.Fuzz;

/// <summary>
/// Counts what seeded fuzz requests got back, by service and status. A 500, a connection closed without a reply and a
/// request left unanswered are failures, and so is a reply a judge (given per run) finds fault with; the first few are
/// kept with the request that caused them.
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

    public Task SendAsync(string service, IPEndPoint server, byte[] request, TimeSpan timeout) => SendAsync(service, server, request, timeout, null);

    /// <summary>
    /// As above; <paramref name="judge"/>, when given, reads the whole reply (head and body, up to 8 MiB; whether it is
    /// whole) and names what is wrong with it, or null.
    /// </summary>
    public async Task SendAsync(string service, IPEndPoint server, byte[] request, TimeSpan timeout, Func<byte[], bool, string?>? judge)
    {
        var (outcome, reply, whole) = await RawExchange.ExchangeAsync(server, request, timeout, judge is null ? 4096 : 8 << 20);
        counts.AddOrUpdate($"{service} {outcome}", 1, (_, n) => n + 1);
        var problem = outcome.Dropped || outcome.Hung || outcome.Status is >= 500 or < 0 ? "" : judge?.Invoke(reply, whole);
        if (problem is not null)
        {
            Interlocked.Increment(ref failureCount);
            if (failures.Count < 20)
            {
                var text = System.Text.Encoding.UTF8.GetString(request);
                var said = System.Text.Encoding.UTF8.GetString(reply, 0, Math.Min(reply.Length, 1200));
                failures.Enqueue($"{service} {outcome}{(problem.Length > 0 ? " (" + problem + ")" : "")}: {(text.Length > 600 ? text[..600] + "…" : text)}"
                    + (said.Length > 0 ? "\n  => " + said : ""));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="requests"/> requests, <paramref name="concurrency"/> at a time, each built by <paramref name="next"/>
    /// (called in order, so seeded runs repeat); <paramref name="judge"/>, when given, also judges each reply by service.
    /// </summary>
    public async Task RunAsync(
        int requests, int concurrency, Func<(string Service, IPEndPoint Server, byte[] Request)> next, TimeSpan timeout,
        Func<string, byte[], bool, string?>? judge = null)
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

                var service = item.Service;
                await SendAsync(service, item.Server, item.Request, timeout, judge is null ? null : (reply, whole) => judge(service, reply, whole));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
    }
}
