using System.Globalization;
using System.Net;
using Harness.Load.Engine;
using Harness.Load.Http;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>pollers</c>: a metadata poller per instance, reading every one of its interfaces' <c>local-ipv4s</c> once per
/// interval with an IMDSv2 token (renewed before it expires, or after a 401), at the instance's own metadata address.
/// Each read goes to the <see cref="ConvergenceTracker"/>. The engine injects instances ÷ interval polls per second
/// and each poll takes the next instance in turn, so every instance is read once an interval. Metadata replies close
/// their connection, as EC2's do, so every read is a new connection to the instance's own address.
/// </summary>
public sealed class PollerWorkload(Topology topology, ConvergenceTracker tracker, TimeSpan interval, TimeProvider time) : IDisposable
{
    public const string Name = "pollers";

    /// <summary>What the pollers ask for: EC2 allows up to six hours.</summary>
    private const int TokenTtlSeconds = 21_600;
    private const string TokenTtl = "21600";

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
            var result = await context.StepAsync("local-ipv4s", async cancellation =>
            {
                var reply = await client.SendAsync(
                    RawHttpClient.Get(host, $"/latest/meta-data/network/interfaces/macs/{eni.Mac}/local-ipv4s", ("X-aws-ec2-metadata-token", token.Value)),
                    cancellation).ConfigureAwait(false);
                if (reply.Status == (int)HttpStatusCode.Unauthorized)
                {
                    instance.Token = null;
                }

                // 404: the interface is not in this instance's metadata yet (or any more); that is an answer too.
                body = reply.Status switch { 200 => reply.BodyText, 404 => "", _ => null };
                return body is not null ? StepResult.Ok : StepResult.Fail(reply.Status.ToString(CultureInfo.InvariantCulture));
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
                RawHttpClient.Put(host, "/latest/api/token", null, "", ("X-aws-ec2-metadata-token-ttl-seconds", TokenTtl)), cancellation).ConfigureAwait(false);
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
