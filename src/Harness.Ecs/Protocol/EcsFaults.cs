using Harness.ControlPlane.Faults;
using Harness.Domain.Delays;
using Harness.Domain.Faults;
using Microsoft.AspNetCore.Http;

namespace Harness.Ecs.Protocol;

/// <summary>
/// The Alibaba Cloud API's faults on a call (<c>ecs-latency</c>, <c>ecs-throttle</c>, <c>ecs-error</c>), the counterparts of
/// EC2's with Alibaba's codes: <c>Throttling</c> (HTTP 400, which CORE clients turn into a ThrottlingError) from a token bucket
/// per region and action, and injected <c>InternalError</c> (500), <c>ServiceUnavailable</c> (503) or <c>Throttling</c>. A fault
/// scoped to an instance or an ENI touches the calls that name it; every call touched goes on the fault timeline.
/// </summary>
internal static class EcsFaults
{
    /// <summary>The header a scenario runner's own calls carry (the same as EC2's <c>X-Harness-Scenario-Step</c>).</summary>
    public const string StepsHeader = "X-Harness-Scenario-Step";

    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["InternalError"] = "The request processing has failed due to some unknown error, exception or failure.",
        ["ServiceUnavailable"] = "The request has failed due to a temporary failure of the server.",
        ["Throttling"] = "Request was denied due to request throttling.",
    };

    public static async Task ApplyAsync(HttpContext http, FaultBook book, ActiveFault[] active, string action, Dictionary<string, string> values)
    {
        // A scenario's own steps (EC2's steps header) are the world's doing, not a client's: faults leave them alone.
        if (http.Request.Headers.ContainsKey(StepsHeader))
        {
            return;
        }

        var mine = active.Where(f => FaultKinds.IsEcs(f.Spec.Kind) && f.Covers(action, values)).ToList();
        if (mine.Count == 0)
        {
            return;
        }

        void Touch(ActiveFault fault, string detail)
        {
            book.Touched(fault, "ecs", null, action, detail);
            FaultNotes.Add(http.Items, fault, detail);
        }

        var latencies = mine.Where(f => f.Spec.Kind == FaultKinds.EcsLatency).Select(f => (Fault: f, Added: f.SampleDelay())).ToList();
        var delay = latencies.Aggregate(TimeSpan.Zero, (sum, l) => sum + l.Added);
        if (delay > TimeSpan.Zero)
        {
            // The wait starts before the touches are told, so whoever sees them and moves the clock moves this wait too.
            var waiting = Task.Delay(delay, book.Time, http.RequestAborted);
            latencies.ForEach(l => Touch(l.Fault, "+" + DelayFormat.Duration(l.Added)));
            await waiting;
        }

        var now = book.Time.GetUtcNow();
        var region = values.GetValueOrDefault("RegionId") ?? "";
        foreach (var fault in mine)
        {
            switch (fault.Spec.Kind)
            {
                case FaultKinds.EcsThrottle:
                    var bucket = fault.Buckets.GetOrAdd($"{region}/{action}", _ => new TokenBucket(fault.Spec.Capacity!.Value, fault.Spec.Refill!.Value, now.UtcTicks));
                    if (!bucket.TryTake(now.UtcTicks))
                    {
                        Touch(fault, $"Throttling: the {action} bucket ({bucket.Capacity:0.##} tokens, {bucket.RefillPerSecond:0.###}/s) is empty");
                        throw new AlibabaException("Throttling", Messages["Throttling"], FaultKinds.EcsErrorCodes["Throttling"]);
                    }

                    break;
                case FaultKinds.EcsError when fault.Roll():
                    var code = fault.Spec.Code!;
                    Touch(fault, code);
                    throw new AlibabaException(code, Messages[code], FaultKinds.EcsErrorCodes[code]);
            }
        }
    }
}
