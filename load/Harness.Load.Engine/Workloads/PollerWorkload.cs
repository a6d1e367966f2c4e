using System.Globalization;
using System.Net;
using Harness.Load.Engine;
using Harness.Load.Http;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>pollers</c>: a metadata poller per instance, reading every one of its interfaces' addresses once per interval
/// with a token (renewed before it expires, or after a 401), at the instance's own metadata address: EC2's
/// <c>local-ipv4s</c> with an IMDSv2 token, or Alibaba's <c>private-ipv4s</c> (a JSON array) in its hardened mode, as
/// <paramref name="dialect"/> says.
/// Each read goes to the <see cref="ConvergenceTracker"/>. The engine injects instances ÷ interval polls per second
/// and each poll takes the next instance in turn, so every instance is read once an interval. Metadata replies close
/// their connection, as EC2's do, so every read is a new connection to the instance's own address.
/// </summary>
public sealed class PollerWorkload(Topology topology, ConvergenceTracker tracker, TimeSpan interval, TimeProvider time, MetadataDialect dialect) : IDisposable
{
    public const string Name = "pollers";

    /// <summary>What the pollers ask for: both clouds allow up to six hours.</summary>
    private const int TokenTtlSeconds = MetadataDialect.TokenTtlSeconds;
    private static readonly string TokenTtl = TokenTtlSeconds.ToString(CultureInfo.InvariantCulture);

    private readonly RawHttpClient?[] clients = topology.Instances
        .Select(i => i.Imds is { } imds ? new RawHttpClient(new IPEndPoint(IPAddress.Parse(imds.Host), imds.Port)) : null)
        .ToArray();

    private long next = -1;

    public TimeSpan Interval => interval;

    public LoadScenario Scenario(TimeSpan during, TimeSpan warmUp) =>
        new(Name, RunAsync)
        {
            Simulations = [new LoadSimulation.Inject(topology.Instances.Count / interval.TotalSeconds, during)],
            WarmUp = warmUp,
            MaxConcurrency = Math.Max(1000, topology.Instances.Count * 2),
        };

    private async ValueTask RunAsync(ScenarioContext context)
    {
        var instance = topology.Instances[(int)(Interlocked.Increment(ref next) % topology.Instances.Count)];
        if (clients[instance.Index] is not { } client)
        {
            return;
        }

        var host = instance.Imds!.Authority;
        var token = instance.Token ?? default;
        if (token.Value is null || time.GetTimestamp() >= token.RenewAt)
        {
            // One token request per instance at a time: the other polls wait for it instead of stampeding.
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Interlocked.CompareExchange(ref instance.TokenFetch, mine.Task, null) is { } fetching)
            {
                await fetching.WaitAsync(context.Stopping).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await FetchTokenAsync(context, client, instance, host).ConfigureAwait(false);
                }
                finally
                {
                    instance.TokenFetch = null;
                    mine.SetResult();
                }
            }

            token = instance.Token ?? default;
            if (token.Value is null)
            {
                return;
            }
        }

        foreach (var eni in instance.Interfaces)
        {
            var start = time.GetTimestamp();
            string? body = null;
            var result = await context.StepAsync(dialect.AddressesLeaf, async cancellation =>
            {
                var reply = await client.SendAsync(
                    RawHttpClient.Get(host, dialect.AddressesPath(eni.Mac), (dialect.TokenHeader, token.Value)), cancellation).ConfigureAwait(false);
                if (reply.Status == (int)HttpStatusCode.Unauthorized)
                {
                    instance.Token = null;
                }

                // 404: the interface is not in this instance's metadata yet (or any more); that is an answer too.
                body = reply.Status switch { 200 => dialect.Lines(reply.BodyText), 404 => "", _ => null };
                return body is not null ? StepResult.Ok
                    : reply.Status == 200 ? StepResult.Fail("MalformedBody")
                    : StepResult.Fail(reply.Status.ToString(CultureInfo.InvariantCulture));
            }, StepTimeouts.Metadata).ConfigureAwait(false);
            if (result.IsOk && body is { } shown)
            {
                tracker.Observe(eni, shown, start);
            }
        }
    }

    private async Task FetchTokenAsync(ScenarioContext context, RawHttpClient client, SimInstance instance, string host)
    {
        HttpReply issued = default;
        var result = await context.StepAsync("token", async cancellation =>
        {
            issued = await client.SendAsync(
                RawHttpClient.Put(host, "/latest/api/token", null, "", (dialect.TokenTtlHeader, TokenTtl)), cancellation).ConfigureAwait(false);
            return issued.IsSuccess ? StepResult.Ok : StepResult.Fail(issued.Status.ToString(CultureInfo.InvariantCulture));
        }, StepTimeouts.Metadata).ConfigureAwait(false);
        if (result.IsOk)
        {
            instance.Token = (issued.BodyText, time.GetTimestamp() + ((TokenTtlSeconds - 60) * time.TimestampFrequency));
        }
    }

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client?.Dispose();
        }
    }
}
