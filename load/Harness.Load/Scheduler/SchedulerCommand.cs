using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Harness.ControlPlane.Metadata;
using Harness.Runtime;

namespace Harness.Load.Scheduler;

/// <summary>
/// <c>harness-load scheduler</c>: the real control plane in-process on <see cref="TimeProvider.System"/>. Launches instances through the
/// grains, makes one secondary-address change after another on their interfaces as fast as the grains take them (each
/// assign or unassign of one address is one <c>private-ipv4s</c> change), checks that they were all pending at once,
/// waits until every one is applied and reads lateness (SeenAt − DueAt) from the timeline. Alongside, to explain it:
/// the lateness of a bare one-shot timer on the same clock (what the scheduler can do at best), how long a caller
/// waits for the propagation lock while changes are delivered, the runtime's pauses matched against late changes,
/// and, on a fake clock, what making and delivering a change cost in time and allocations.
/// </summary>
internal static class SchedulerCommand
{
    public const string Usage =
        "usage: harness-load scheduler [--instances 1000] [--changes 100000] [--delay uniform(5s,15s)] [--subnets 10] [--workers N]\n" +
        "                              [--instance-type m5.large] [--goal-ms 5] [--drain-timeout 120s] [--timer system|precise]\n" +
        "                              [--delivery-cost true|false] [--json out.json] [--md out.md]";

    private static readonly string[] Names =
        ["instances", "changes", "delay", "subnets", "workers", "instance-type", "goal-ms", "drain-timeout", "timer", "delivery-cost", "json", "md"];

    public static Task<int> RunAsync(string[] args) => BenchOptions.RunAsync("scheduler", args, Names, RunAsync);

    private static async Task<int> RunAsync(BenchOptions args)
    {
        var instanceCount = args.GetInt("instances", 1000, min: 1);
        var changeCount = args.GetInt("changes", 100_000, min: 1);
        var subnetCount = args.GetInt("subnets", 10, min: 1, max: 16);
        var workers = args.GetInt("workers", 2 * Environment.ProcessorCount, min: 1);
        var spec = args.Get("delay", "uniform(5s,15s)");
        var goalMs = args.GetInt("goal-ms", 5);
        var drainLimit = args.GetDuration("drain-timeout", TimeSpan.FromSeconds(120));
        var instanceType = args.Get("instance-type", "m5.large");
        var timerName = args.Get("timer", "system");
        if (timerName is not ("system" or "precise"))
        {
            throw new BenchOptionException($"--timer must be system or precise, not '{timerName}'");
        }

        using var precise = timerName == "precise" ? new PreciseTimeProvider() : null;
        var time = precise ?? TimeProvider.System;

        using var gcPauses = new GcPauseListener();
        var tickStep = TickCountStepMs();
        Console.Error.WriteLine($"[scheduler] GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} cores; Environment.TickCount64 moves in steps of {tickStep} ms");
        var timerBaseline = await MeasureTimerAsync(time, 300);
        Console.Error.WriteLine($"[scheduler] bare one-shot timer lateness ({timerName}): p50 {timerBaseline.P50Ms} ms, p99 {timerBaseline.P99Ms} ms, max {timerBaseline.MaxMs} ms");

        var launchClock = Stopwatch.StartNew();
        await using var rig = await SchedulerRig.StartAsync(time, spec, instanceCount, subnetCount, workers, instanceType);
        launchClock.Stop();
        var propagation = rig.Propagation;
        var instanceIds = rig.InstanceIds;
        var afterLaunch = propagation.Timeline(null, 0, 1).LastSequence;
        Console.Error.WriteLine($"[scheduler] launched {instanceCount} {instanceType} in {subnetCount} subnets in {launchClock.Elapsed.TotalSeconds:F2} s");

        // Enqueue as fast as the grains take it, while a sampler counts what is pending.
        var peak = 0L;
        var gcBefore = GcNow();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, rig.Pending());
                try
                {
                    await Task.Delay(250, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var enqueueClock = Stopwatch.StartNew();
        var made = await rig.EnqueueAsync(changeCount, workers);
        enqueueClock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var gcEnqueue = GcNow() - gcBefore;
        var pendingAfterEnqueue = rig.Pending();
        peak = Math.Max(peak, pendingAfterEnqueue);
        Console.Error.WriteLine(Inv($"[scheduler] {made:N0} changes made in {enqueueClock.Elapsed.TotalSeconds:F2} s ({made / enqueueClock.Elapsed.TotalSeconds:N0}/s); pending right after: {pendingAfterEnqueue:N0}; peak sampled: {peak:N0}"));

        // Drain: a probe thread takes the propagation lock (through Describe) once a millisecond and times the wait;
        // pending is counted once a second. Neither touches the timeline until everything has been applied.
        var gcDrainBefore = GcNow();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var lockWaits = new List<long>(capacity: 200_000);
        var probing = true;
        var probe = new Thread(() =>
        {
            var probeId = instanceIds[0];
            while (Volatile.Read(ref probing))
            {
                var start = Stopwatch.GetTimestamp();
                propagation.Describe(probeId);
                lockWaits.Add(Stopwatch.GetTimestamp() - start);
                Thread.Sleep(1);
            }
        })
        { IsBackground = true, Name = "lock-probe" };
        probe.Start();
        var drainStart = TimeProvider.System.GetUtcNow();
        var drainClock = Stopwatch.StartNew();
        var left = pendingAfterEnqueue;
        while (left > 0 && drainClock.Elapsed < drainLimit)
        {
            await Task.Delay(1000);
            left = rig.Pending();
        }

        drainClock.Stop();
        Volatile.Write(ref probing, false);
        probe.Join();
        var gcDrain = GcNow() - gcDrainBefore;
        var drainCpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var failure = left > 0 ? $"{left:N0} changes still pending after {drainLimit.TotalSeconds:F0} s" : null;

        var page = propagation.Timeline(null, afterLaunch, int.MaxValue);
        var changes = page.Events.Where(e => e.Kind == MetadataChangeKinds.PrivateIpv4s).ToList();
        var statuses = changes.GroupBy(e => e.Status).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var applied = changes.Where(e => e is { Status: "applied", DueAt: not null, SeenAt: not null }).ToList();
        var lateness = applied.Select(e => (e.SeenAt!.Value - e.DueAt!.Value).TotalMilliseconds).ToArray();

        // A late change is put down to a pause (mostly GC) when one overlaps the span from its due time to when it was seen.
        await Task.Delay(200); // the runtime's events reach listeners asynchronously
        var pauses = gcPauses.Between(drainStart, TimeProvider.System.GetUtcNow());
        var late = applied.Where(e => (e.SeenAt!.Value - e.DueAt!.Value).TotalMilliseconds > goalMs).ToList();
        var lateDuringGc = late.Count(e => pauses.Any(p => p.Start <= e.SeenAt!.Value && p.End >= e.DueAt!.Value));
        var batches = applied.GroupBy(e => e.SeenAt!.Value).Select(g => g.Count()).ToList();
        var firstDue = applied.Count == 0 ? default : applied.Min(e => e.DueAt!.Value);
        var busiestSecond = applied.Count == 0 ? 0 : applied.GroupBy(e => (long)(e.DueAt!.Value - firstDue).TotalSeconds).Max(g => g.Count());
        if (peak < made)
        {
            failure ??= $"only {peak:N0} of {made:N0} changes were pending at once: enqueueing took longer than the shortest delay";
        }

        if (changes.Count != made)
        {
            failure ??= $"{made:N0} changes made but the timeline holds {changes.Count:N0} private-ipv4s entries (dropped: {page.Dropped})";
        }

        await rig.DisposeAsync();
        var delivery = args.Get("delivery-cost", "true") == "true"
            ? await MeasureDeliveryAsync(spec, instanceCount, subnetCount, workers, instanceType, changeCount)
            : null;
        var result = new SchedulerResult(
            spec, timerName == "precise" ? "dedicated-thread timers (PreciseTimeProvider, the harness default)" : "TimeProvider.System", tickStep, instanceCount, subnetCount, workers, made,
            Math.Round(launchClock.Elapsed.TotalSeconds, 2),
            Math.Round(enqueueClock.Elapsed.TotalSeconds, 2),
            Math.Round(made / enqueueClock.Elapsed.TotalSeconds),
            pendingAfterEnqueue, peak,
            Math.Round(drainClock.Elapsed.TotalSeconds, 1),
            statuses, page.Dropped,
            Distribute(lateness),
            late.Count,
            lateDuringGc,
            goalMs,
            batches.Count,
            batches.Count == 0 ? 0 : batches.Max(),
            busiestSecond,
            timerBaseline,
            Distribute([.. lockWaits.Select(t => t * 1000.0 / Stopwatch.Frequency)]),
            gcEnqueue,
            gcDrain,
            [.. pauses.Select(p => p.ToString())],
            Math.Round(drainCpu.TotalMicroseconds / Math.Max(1, pendingAfterEnqueue), 2),
            delivery,
            GCSettings.IsServerGC,
            failure);

        var markdown = Markdown(result);
        Console.WriteLine(markdown);
        if (args.Get("json") is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, BenchJson.Options));
        }

        if (args.Get("md") is { } md)
        {
            await File.WriteAllTextAsync(md, markdown);
        }

        return failure is null ? 0 : 1;
    }

    public static string Markdown(SchedulerResult r)
    {
        var md = new StringBuilder();
        md.AppendLine(r.Timer == "TimeProvider.System"
            ? Inv($"## Propagation scheduler: lateness with {r.PeakPending:N0} changes pending (.NET's timer queue, for comparison)")
            : "### The same run with dedicated-thread timers (PreciseTimeProvider in src/Harness.Runtime: what `serve` uses)");
        md.AppendLine();
        md.AppendLine(Inv($"In-process control plane, timers: {r.Timer} ({(r.ServerGc ? "server" : "workstation")} GC, {Environment.ProcessorCount} cores); delay `{r.Delay}`; {r.Instances:N0} instances in {r.Subnets} subnets, {r.Workers} concurrent callers."));
        md.AppendLine();
        md.AppendLine("| measure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine(Inv($"| changes made (assign/unassign of one secondary address) | {r.ChangesMade:N0} |"));
        md.AppendLine(Inv($"| time to enqueue them | {r.EnqueueSeconds:F2} s ({r.EnqueuePerSecond:N0}/s) |"));
        md.AppendLine(Inv($"| pending right after the last one / peak sampled | {r.PendingAfterEnqueue:N0} / {r.PeakPending:N0} |"));
        md.AppendLine(Inv($"| applied (statuses) | {string.Join(", ", r.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value:N0}"))} |"));
        md.AppendLine(Inv($"| lateness p50 / p99 / p99.9 / max (SeenAt − DueAt) | {r.Lateness.P50Ms:F2} / {r.Lateness.P99Ms:F2} / {r.Lateness.P999Ms:F2} / {r.Lateness.MaxMs:F2} ms |"));
        md.AppendLine(Inv($"| changes later than {r.GoalMs} ms (of which a runtime pause overlapped due → seen) | {r.LateOverGoal:N0} ({100.0 * r.LateOverGoal / Math.Max(1, r.Lateness.Count):F3} %) ({r.LateOverGoalDuringGc:N0}) |"));
        md.AppendLine(Inv($"| changes due in the busiest second (in-order delivery: each instance's changes wait for its latest due time) | {r.BusiestSecond:N0} |"));
        md.AppendLine(Inv($"| delivery batches (one timer firing each) / largest | {r.Batches:N0} / {r.LargestBatch:N0} |"));
        md.AppendLine(Inv($"| Environment.TickCount64 step (the runtime timer queue's clock) | {r.TickCountStepMs:F0} ms |"));
        md.AppendLine(Inv($"| bare one-shot timer lateness p50 / p99 / max (same timers, before the run) | {r.TimerBaseline.P50Ms:F2} / {r.TimerBaseline.P99Ms:F2} / {r.TimerBaseline.MaxMs:F2} ms |"));
        md.AppendLine(Inv($"| wait for the propagation lock while draining p50 / p99 / max | {r.LockWait.P50Ms:F3} / {r.LockWait.P99Ms:F3} / {r.LockWait.MaxMs:F3} ms |"));
        md.AppendLine(Inv($"| GC while enqueueing (gen0/1/2, pause) | {r.GcDuringEnqueue.Gen0}/{r.GcDuringEnqueue.Gen1}/{r.GcDuringEnqueue.Gen2}, {r.GcDuringEnqueue.PauseMs:F1} ms |"));
        md.AppendLine(Inv($"| GC while draining (gen0/1/2, pause) | {r.GcDuringDrain.Gen0}/{r.GcDuringDrain.Gen1}/{r.GcDuringDrain.Gen2}, {r.GcDuringDrain.PauseMs:F1} ms |"));
        md.AppendLine(Inv($"| runtime pauses while draining | {(r.PausesDuringDrain.Count == 0 ? "none" : string.Join(", ", r.PausesDuringDrain))} |"));
        md.AppendLine(Inv($"| process CPU while draining, per change applied (probes, idle spinning included) | {r.DrainCpuMicrosPerChange:F1} µs |"));
        if (r.Delivery is { } d)
        {
            md.AppendLine(Inv($"| fake clock: delivery under the lock, {d.Changes:N0} changes in {d.Firings:N0} firings | {d.DeliverMilliseconds:F0} ms, {d.MicrosPerChange:F2} µs and {d.BytesPerChange:N0} B per change; gen0/1/2 {d.Gc.Gen0}/{d.Gc.Gen1}/{d.Gc.Gen2} |"));
            md.AppendLine(Inv($"| so the largest batch above held the lock for about | {r.LargestBatch * d.MicrosPerChange / 1000:F1} ms |"));
            md.AppendLine(Inv($"| fake clock: allocated per change made (grain calls, projection, diff) | {d.EnqueueBytesPerChange:N0} B |"));
            md.AppendLine($"| fake clock: what making changes allocates (sampled) | {string.Join(", ", d.EnqueueAllocations)} |");
            md.AppendLine($"| fake clock: what delivery allocates (sampled) | {string.Join(", ", d.DeliveryAllocations)} |");
        }
        md.AppendLine();
        md.AppendLine(r.Failure is null
            ? Inv($"p99 lateness {r.Lateness.P99Ms:F2} ms against a goal of {r.GoalMs} ms: {(r.Lateness.P99Ms <= r.GoalMs ? "met" : "NOT met")}.")
            : $"FAILED: {r.Failure}");
        return md.ToString();
    }

    /// <summary>
    /// The same launch and changes on a <see cref="VirtualTimeProvider"/>, then one Advance past every due time: every
    /// firing, and so every delivery, runs synchronously on this thread under the propagation lock, so elapsed time
    /// and allocations per change are the scheduler's own cost, free of timer latency and of other threads.
    /// </summary>
    private static async Task<DeliveryCost> MeasureDeliveryAsync(string spec, int instances, int subnets, int workers, string instanceType, int changes)
    {
        var fake = new VirtualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var rig = await SchedulerRig.StartAsync(fake, spec, instances, subnets, workers, instanceType);
        var afterLaunch = rig.Propagation.Timeline(null, 0, 1).LastSequence;
        using var sampler = new AllocationSampler { Recording = true };
        var enqueueAllocated = GC.GetTotalAllocatedBytes(precise: true);
        var enqueue = Stopwatch.StartNew();
        var made = await rig.EnqueueAsync(changes, workers);
        enqueue.Stop();
        enqueueAllocated = GC.GetTotalAllocatedBytes(precise: true) - enqueueAllocated;
        sampler.Recording = false;
        await Task.Delay(500); // the runtime's events reach listeners asynchronously
        var enqueueTop = sampler.TakeTop(6);
        sampler.Recording = true;
        var pending = rig.Pending();
        var gcBefore = GcNow();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        fake.Advance(TimeSpan.FromHours(1));
        var elapsed = Stopwatch.GetElapsedTime(start);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        sampler.Recording = false;
        await Task.Delay(500); // the runtime's events reach listeners asynchronously
        var deliveryTop = sampler.TakeTop(6);
        var gc = GcNow() - gcBefore;
        var left = rig.Pending();
        var firings = rig.Propagation.Timeline(null, afterLaunch, int.MaxValue).Events
            .Where(e => e.Status == "applied" && e.SeenAt is not null).Select(e => e.SeenAt!.Value).Distinct().Count();
        var delivered = pending - left;
        Console.Error.WriteLine(Inv($"[scheduler] fake clock: {made:N0} changes enqueued in {enqueue.Elapsed.TotalSeconds:F2} s; {delivered:N0} delivered in {elapsed.TotalMilliseconds:F0} ms over {firings:N0} firings"));
        return new DeliveryCost(
            (int)delivered, Math.Round(enqueue.Elapsed.TotalSeconds, 2), Math.Round((double)enqueueAllocated / Math.Max(1, made)),
            Math.Round(elapsed.TotalMilliseconds, 1), firings,
            Math.Round(elapsed.TotalMicroseconds / Math.Max(1, delivered), 2), Math.Round((double)allocated / Math.Max(1, delivered)), gc,
            [.. enqueueTop.Select(t => Inv($"{Short(t.Type)} {100 * t.Share:F0} %"))],
            [.. deliveryTop.Select(t => Inv($"{Short(t.Type)} {100 * t.Share:F0} %"))]);
    }

    /// <summary>One-shot timers for 1–5 ms, as the scheduler arms them: how late they fire.</summary>
    private static async Task<Distribution> MeasureTimerAsync(TimeProvider time, int samples)
    {
        var late = new double[samples];
        var random = new Random(1);
        for (var i = 0; i < samples; i++)
        {
            var wait = TimeSpan.FromMilliseconds(random.Next(1, 6));
            var fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = Stopwatch.GetTimestamp();
            using var timer = time.CreateTimer(_ => fired.TrySetResult(Stopwatch.GetTimestamp()), null, wait, Timeout.InfiniteTimeSpan);
            var at = await fired.Task;
            late[i] = Stopwatch.GetElapsedTime(start, at).TotalMilliseconds - wait.TotalMilliseconds;
        }

        return Distribute(late);
    }

    /// <summary>The smallest step <see cref="Environment.TickCount64"/> takes, which the runtime's timer queue counts in.</summary>
    private static double TickCountStepMs()
    {
        var smallest = long.MaxValue;
        var last = Environment.TickCount64;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 100)
        {
            var now = Environment.TickCount64;
            if (now != last)
            {
                smallest = Math.Min(smallest, now - last);
                last = now;
            }
        }

        return smallest == long.MaxValue ? 0 : smallest;
    }

    private static Distribution Distribute(double[] values)
    {
        if (values.Length == 0)
        {
            return new Distribution(0, 0, 0, 0, 0, 0);
        }

        Array.Sort(values);
        double At(double q) => Math.Round(values[Math.Clamp((int)Math.Ceiling(q * values.Length) - 1, 0, values.Length - 1)], 3);
        return new Distribution(values.Length, At(0.5), At(0.99), At(0.999), Math.Round(values[^1], 3), Math.Round(values[0], 3));
    }

    private static GcSnapshot GcNow() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    /// <summary>A type name without namespaces, e.g. OrderedIterator`2[InterfaceMetadata,Int32].</summary>
    private static string Short(string type) =>
        System.Text.RegularExpressions.Regex.Replace(type, @"[A-Za-z0-9_]+\.", "");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct GcSnapshot(int Gen0, int Gen1, int Gen2, TimeSpan Pause)
    {
        public static GcDelta operator -(GcSnapshot after, GcSnapshot before) =>
            new(after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, Math.Round((after.Pause - before.Pause).TotalMilliseconds, 1));
    }
}
