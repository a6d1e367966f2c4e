using Harness.ControlPlane.Faults;
using Harness.ControlPlane.Metadata;
using Harness.Domain.Delays;
using Harness.Domain.Faults;
using Microsoft.AspNetCore.Http;

namespace Harness.Imds;

/// <summary>
/// Metadata faults on a request: throttling drops it (the client times out), latency delays it, errors answer 500 or
/// 503 (the token endpoint on its own or the reads), and stale reads answer from the view as it was a while ago. Each
/// request a fault touches goes on the fault timeline, and a recorded client's call carries the fault's name.
/// </summary>
public sealed partial class ImdsHandler
{
    private async Task ServeFaultedAsync(HttpContext http, MetadataSlot slot, ActiveFault[] active)
    {
        var path = CollapseSlashes(http.Request.Path.Value ?? "");
        var isToken = path.TrimEnd('/').EndsWith("/api/token", StringComparison.Ordinal);
        var instanceId = slot.InstanceId;
        var shown = slot.View;

        // Packets reach the metadata service over the instance's primary interface; a read about another interface
        // (macs/<mac>/…) is about that one.
        var primary = shown.Primary?.NetworkInterfaceId;
        var about = InterfaceInPath(shown, path) ?? primary;
        var now = time.GetUtcNow();

        // Throttling first: a dropped packet never reaches anything else, so no other fault touches it.
        foreach (var fault in active)
        {
            var spec = fault.Spec;
            if (spec.Kind == FaultKinds.ImdsThrottle && fault.Covers(instanceId, primary))
            {
                var bucket = fault.Buckets.GetOrAdd(primary ?? instanceId, _ => new TokenBucket(spec.Pps!.Value, spec.Pps!.Value, now.UtcTicks));
                if (!bucket.TryTake(now.UtcTicks))
                {
                    Touch(http, fault, instanceId, path, $"dropped: over {spec.Pps} packets per second");
                    await DropAsync(http, spec.Hold!.Value);
                    return;
                }
            }
        }

        var delay = TimeSpan.Zero;
        var view = shown;
        int? status = null;
        var touches = new List<(ActiveFault Fault, string Detail)>();
        foreach (var fault in active)
        {
            var spec = fault.Spec;
            switch (spec.Kind)
            {
                case FaultKinds.ImdsLatency when fault.Covers(instanceId, about):
                    var added = fault.SampleDelay();
                    delay += added;
                    touches.Add((fault, "+" + DelayFormat.Duration(added)));
                    break;
                case FaultKinds.ImdsTokenError when isToken && status is null && fault.Covers(instanceId, primary) && fault.Roll():
                case FaultKinds.ImdsError when !isToken && status is null && fault.Covers(instanceId, about) && fault.Roll():
                    status = spec.Status;
                    touches.Add((fault, $"answered {spec.Status}"));
                    break;
                case FaultKinds.ImdsStale when !isToken && fault.Covers(instanceId, about) && fault.Roll():
                    view = slot.ViewAt(now - spec.Age!.Value);
                    var same = view.ShowsSameAs(shown);
                    touches.Add((fault, $"served the view of {DelayFormat.Duration(spec.Age!.Value)} ago{(same ? " (the same as now)" : "")}"));
                    break;
            }
        }

        // The wait starts before the touches are told, so whoever sees them and moves the clock moves this wait too.
        var waiting = delay > TimeSpan.Zero ? Task.Delay(delay, time, http.RequestAborted) : Task.CompletedTask;
        foreach (var (fault, detail) in touches)
        {
            Touch(http, fault, instanceId, path, detail);
        }

        try
        {
            await waiting;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await (status is { } error ? ImdsResponses.Error(http, error) : Serve(http, slot, view));
    }

    private void Touch(HttpContext http, ActiveFault fault, string instanceId, string path, string detail)
    {
        faults.Touched(fault, "imds", instanceId, path, detail);
        FaultNotes.Add(http.Items, fault, detail);
    }

    /// <summary>A dropped request gets no answer: the client times out, or after the hold its connection is reset.</summary>
    private async Task DropAsync(HttpContext http, TimeSpan hold)
    {
        try
        {
            // Kestrel aborts held requests when the service stops, so a hold never delays a shutdown.
            await Task.Delay(hold, time, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }

        Drop(http);
    }

    /// <summary>The interface a path under <c>network/interfaces/macs/&lt;mac&gt;/</c> is about, if the view has it.</summary>
    private static string? InterfaceInPath(MetadataView view, string path)
    {
        const string Macs = "/network/interfaces/macs/";
        var at = path.IndexOf(Macs, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + Macs.Length;
        var end = path.IndexOf('/', start);
        var mac = end < 0 ? path[start..] : path[start..end];
        return view.FindByMac(mac)?.NetworkInterfaceId;
    }
}
