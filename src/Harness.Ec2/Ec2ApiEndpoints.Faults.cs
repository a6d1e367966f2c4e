using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;
using Harness.Domain.Errors;
using Harness.Domain.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ec2;

/// <summary>
/// EC2 API faults on a call: latency, EC2's token-bucket throttling, injected errors, and Describe* reads that lag
/// behind writes. A fault scoped to an instance or interface touches the calls that name it. Every call touched goes
/// on the fault timeline. A scenario's own steps (<see cref="StepsHeader"/>) are the world's doing, not a client's:
/// faults leave them alone, though a lagging read still lags behind their writes.
/// </summary>
public static partial class Ec2ApiEndpoints
{
    /// <summary>Marks the calls a scenario runner makes to carry out its steps.</summary>
    public const string StepsHeader = "X-Harness-Scenario-Step";

    private static readonly Dictionary<string, string> InjectedMessages = new(StringComparer.Ordinal)
    {
        ["InternalError"] = "An internal error has occurred",
        ["Unavailable"] = "The service is unavailable. Please try again shortly.",
        ["RequestLimitExceeded"] = "Request limit exceeded.",
    };

    /// <summary>Applies the faults in force; returns the region state the call reads (a lagging copy for a lagged Describe*).</summary>
    private static async Task<RegionState> ApplyFaultsAsync(
        HttpContext http, FaultBook book, ActiveFault[] active, string action, Dictionary<string, string> values, RegionState state)
    {
        var services = http.RequestServices;
        var isRead = action.StartsWith("Describe", StringComparison.Ordinal);
        if (http.Request.Headers.ContainsKey(StepsHeader))
        {
            if (!isRead && active.Any(f => f.Spec.Kind == FaultKinds.Ec2Lag))
            {
                services.GetRequiredService<ReadLag>().BeforeWrite(state);
            }

            return state;
        }

        void Touch(ActiveFault fault, string detail)
        {
            book.Touched(fault, "ec2", null, action, detail);
            FaultNotes.Add(http.Items, fault, detail);
        }

        var time = book.Time;
        var delay = TimeSpan.Zero;
        var delays = new List<(ActiveFault Fault, TimeSpan Added)>();
        foreach (var fault in active)
        {
            if (fault.Spec.Kind == FaultKinds.Ec2Latency && fault.Covers(action, values))
            {
                var added = fault.SampleDelay();
                delay += added;
                delays.Add((fault, added));
            }
        }

        if (delay > TimeSpan.Zero)
        {
            // The wait starts before the touches are told, so whoever sees them and moves the clock moves this wait too.
            var waiting = Task.Delay(delay, time, http.RequestAborted);
            foreach (var (fault, added) in delays)
            {
                Touch(fault, "+" + DelayFormat.Duration(added));
            }

            await waiting;
        }

        var now = time.GetUtcNow();
        var lagging = false;
        foreach (var fault in active)
        {
            var spec = fault.Spec;
            lagging |= spec.Kind == FaultKinds.Ec2Lag;
            if (!fault.Covers(action, values))
            {
                continue;
            }

            switch (spec.Kind)
            {
                case FaultKinds.Ec2Throttle:
                    var (name, capacity, refill) = Ec2Throttling.BucketFor(action, values.Keys);
                    var bucket = fault.Buckets.GetOrAdd(
                        $"{state.Name}/{name}",
                        _ => new TokenBucket(spec.Capacity ?? Math.Max(1, Math.Floor(capacity * spec.Scale!.Value)), spec.Refill ?? refill * spec.Scale!.Value, now.UtcTicks));
                    if (!bucket.TryTake(now.UtcTicks))
                    {
                        Touch(fault, $"RequestLimitExceeded: the {name} bucket ({bucket.Capacity:0.##} tokens, {bucket.RefillPerSecond:0.###}/s) is empty");
                        throw new Ec2Exception("RequestLimitExceeded", InjectedMessages["RequestLimitExceeded"], 503);
                    }

                    break;
                case FaultKinds.Ec2Error when fault.Roll():
                    var code = spec.Code!;
                    Touch(fault, code);
                    throw new Ec2Exception(code, InjectedMessages[code], FaultKinds.Ec2ErrorCodes[code]);
                case FaultKinds.Ec2Lag when isRead:
                    var lag = fault.SampleDelay();
                    state = services.GetRequiredService<ReadLag>().AsOf(state, now - lag);
                    Touch(fault, $"read as of {DelayFormat.Duration(lag)} ago");
                    break;
            }
        }

        if (lagging && !isRead)
        {
            services.GetRequiredService<ReadLag>().BeforeWrite(state);
        }

        return state;
    }
}
