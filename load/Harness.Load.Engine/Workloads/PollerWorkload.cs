using System.Net;
using Harness.Load.Engine;

namespace Harness.Load.Workloads;

/// <summary>
/// <c>pollers</c>: a metadata poller per instance, reading every one of its interfaces' <c>local-ipv4s</c> once per
/// interval with an IMDSv2 token (renewed before it expires, or after a 401), at the instance's own metadata address.
/// Each read goes to the <see cref="ConvergenceTracker"/>. The engine injects instances ÷ interval polls per second
/// and each poll takes the next instance in turn, so every instance is read once an interval.
/// </summary>
public sealed class PollerWorkload(HttpClient http, Topology topology, ConvergenceTracker tracker, TimeSpan interval, TimeProvider time)
{
    public const string Name = "pollers";

    /// <summary>What the pollers ask for: EC2 allows up to six hours.</summary>
    private const int TokenTtlSeconds = 21_600;

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
        if (instance.Imds is not { } imds)
        {
            return;
        }

        var token = instance.Token ?? default;
        if (token.Value is null || time.GetTimestamp() >= token.RenewAt)
        {
            string? issued = null;
            var result = await context.StepAsync("token", async cancellation =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(imds, "/latest/api/token"));
                request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", TokenTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var response = await http.SendAsync(request, cancellation).ConfigureAwait(false);
                issued = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
                return response.IsSuccessStatusCode ? StepResult.Ok : StepResult.Fail(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }).ConfigureAwait(false);
            if (!result.IsOk || issued is null)
            {
                return;
            }

            token = (issued, time.GetTimestamp() + ((TokenTtlSeconds - 60) * time.TimestampFrequency));
            instance.Token = token;
        }

        foreach (var eni in instance.Interfaces)
        {
            var start = time.GetTimestamp();
            string? body = null;
            var result = await context.StepAsync("local-ipv4s", async cancellation =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(imds, $"/latest/meta-data/network/interfaces/macs/{eni.Mac}/local-ipv4s"));
                request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token.Value);
                using var response = await http.SendAsync(request, cancellation).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    instance.Token = null;
                }

                // 404: the interface is not in this instance's metadata yet (or any more); that is an answer too.
                body = response.StatusCode switch { HttpStatusCode.OK => text, HttpStatusCode.NotFound => "", _ => null };
                return body is not null ? StepResult.Ok : StepResult.Fail(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }).ConfigureAwait(false);
            if (result.IsOk && body is { } shown)
            {
                tracker.Observe(eni, shown, start, time.GetTimestamp());
            }
        }
    }
}
