using System.Net.Http.Json;
using System.Text.Json;
using Harness.Domain.Clouds;
using Harness.Domain.Delays;
using Harness.Load.Engine;
using Harness.Load.Reports;

namespace Harness.Load.Workloads;

/// <summary>What a run gives back: the report, the fleet as the workloads left it, and the tracker for whoever wants the raw samples.</summary>
public sealed record LoadOutcome(LoadReport Report, Topology Topology, ConvergenceTracker? Tracker, LoadRun Run);

/// <summary>
/// Runs a <see cref="LoadPlan"/> against a cloud's API (EC2's, or Alibaba's ECS/VPC on a harness): sets the delay model
/// if asked, builds the topology through the API, runs the workload's scenarios on the <see cref="LoadEngine"/> and turns what they measured into a
/// <see cref="LoadReport"/>. The same code serves <c>harness-load</c> and scenario files' <c>load:</c> blocks.
/// </summary>
public static class LoadRunner
{
    public static Task<LoadOutcome> RunAsync(
        LoadPlan plan,
        Uri ec2Endpoint,
        string command,
        TimeProvider time,
        Action<string> log,
        Action<LoadProgress>? progress,
        CancellationToken cancellation,
        string? controlToken = null,
        Uri? ecsEndpoint = null) =>
        RunAsync(plan, [ec2Endpoint], command, time, log, progress, cancellation, controlToken, ecsEndpoint);

    /// <summary>
    /// A run whose EC2 calls go to each of <paramref name="ec2Endpoints"/> in turn (a harness cluster's processes); the
    /// first's control API drives it. A <c>--cloud alibaba</c> plan's calls go to <paramref name="ecsEndpoint"/> instead,
    /// the harness's ECS API, which it requires.
    /// </summary>
    public static async Task<LoadOutcome> RunAsync(
        LoadPlan plan,
        IReadOnlyList<Uri> ec2Endpoints,
        string command,
        TimeProvider time,
        Action<string> log,
        Action<LoadProgress>? progress,
        CancellationToken cancellation,
        string? controlToken = null,
        Uri? ecsEndpoint = null)
    {
        var connections = Math.Min(plan.MaxConcurrency, 512);
        using ICloudApi cloud = plan.Cloud == Cloud.Alibaba
            ? new EcsApi(ecsEndpoint ?? throw new ArgumentException("a --cloud alibaba run needs the harness's ECS endpoint", nameof(ecsEndpoint)),
                ec2Endpoints[0], connections, time, controlToken, plan.Topology.AlibabaRegion)
            : new Ec2Api(ec2Endpoints, connections, controlToken);
        var setUpStarted = time.GetTimestamp();
        if (plan.Delay is { } delay)
        {
            await SetDelayAsync(cloud, delay, cancellation).ConfigureAwait(false);
        }

        var startedAt = time.GetUtcNow();
        var topology = await TopologyBuilder.BuildAsync(cloud, plan.Topology, log, cancellation).ConfigureAwait(false);
        log($"set-up: {topology.Instances.Count:N0} instances, {topology.Interfaces.Count:N0} interfaces, {topology.Addresses.Count:N0} floating addresses"
            + (topology.HasMetadata ? "" : "; the target has no per-instance metadata (not a harness), so nothing polls"));
        if (plan.HasPollers && !topology.HasMetadata)
        {
            throw new LoadSetupException("this workload polls instance metadata, and the target has none: point --target at a harness");
        }

        var model = topology.HasMetadata ? await ReadModelAsync(cloud, cancellation).ConfigureAwait(false) : null;
        var setUp = time.GetElapsedTime(setUpStarted);
        var tracker = plan.HasPollers ? new ConvergenceTracker(time) : null;
        var scenarios = new List<LoadScenario>();
        ChurnWorkload? churn = null;
        PacedChangeWorkload? paced = null;
        switch (plan.Workload)
        {
            case LoadPlan.Churn or LoadPlan.Mixed:
                churn = new ChurnWorkload(cloud, topology, tracker, time, plan.Seed);
                scenarios.Add(churn.Scenario(plan.Simulations, plan.WarmUp, plan.MaxConcurrency));
                break;
            case LoadPlan.Pollers:
                paced = new PacedChangeWorkload(cloud, topology, tracker!, time);
                scenarios.Add(paced.Scenario(plan.Simulations, plan.WarmUp));
                break;
            case LoadPlan.DescribeStorm:
                scenarios.Add(new DescribeStormWorkload(cloud, topology).Scenario(plan.Simulations, plan.WarmUp, plan.MaxConcurrency));
                break;
        }

        if (plan.Workload == LoadPlan.Mixed && plan.DescribeRate > 0)
        {
            scenarios.Add(new DescribeStormWorkload(cloud, topology)
                .Scenario([new LoadSimulation.Inject(plan.DescribeRate, plan.Duration)], plan.WarmUp, plan.MaxConcurrency));
        }

        if (plan.LaunchRate > 0)
        {
            scenarios.Add(new LifecycleWorkload(cloud, topology, plan.Topology.InstanceType)
                .Scenario([new LoadSimulation.Inject(plan.LaunchRate, plan.Duration)], plan.WarmUp, plan.MaxConcurrency));
        }

        using var pollers = tracker is null ? null : new PollerWorkload(topology, tracker, plan.PollInterval!.Value, time, cloud.Metadata);
        if (pollers is not null)
        {
            scenarios.Add(pollers.Scenario(plan.Duration + plan.Settle, plan.WarmUp));
        }

        log($"running {string.Join(", ", scenarios.Select(s => $"{s.Name}: {LoadSimulation.Format(s.Simulations)}"))}"
            + (plan.WarmUp > TimeSpan.Zero ? $" after a {DelayFormat.Duration(plan.WarmUp)} warm-up" : ""));
        var run = await LoadEngine.RunAsync(scenarios, LoadEngineOptions.Default, time, progress, cancellation).ConfigureAwait(false);

        var fleet = $"{topology.Instances.Count:N0} {plan.Topology.InstanceType} instances, {topology.Interfaces.Count:N0} interfaces, {topology.Addresses.Count:N0} floating addresses";
        var notes = new List<string> { $"Topology: {fleet} (seed {plan.Seed})." };
        if (churn?.Busy > 0)
        {
            notes.Add($"{churn.Busy:N0} churn copies found every address busy with an earlier operation and did nothing: the address pool is small for the rate.");
        }

        if (paced?.Skipped > 0)
        {
            notes.Add($"{paced.Skipped:N0} change copies found every instance still waiting for its last change to show, and did nothing.");
        }

        if (pollers is not null && run.Scenarios[^1] is { } polls && polls.Dropped > polls.Started / 100)
        {
            notes.Add($"The pollers fell behind: {polls.Dropped:N0} polls were due while {scenarios[^1].MaxConcurrency:N0} were in flight, so reads came "
                + "later and less often than the interval: the observed times (and the KS distance) do not measure the harness's delays cleanly. "
                + "Poll fewer instances, or less often.");
        }

        if (run.Cancelled)
        {
            notes.Add("The run was stopped before its end; figures cover what ran.");
        }

        var convergence = tracker is null ? null : ReportBuilder.Convergence(tracker, model, pollers!.Interval) with
        {
            // Not the run's token: a cancelled run still gives its report, lateness included (the client's timeout bounds it).
            Lateness = await LatenessAsync(cloud, time.GetUtcNow() - run.Elapsed, notes, CancellationToken.None).ConfigureAwait(false),
        };
        var report = ReportBuilder.Build(
            title: $"harness-load {plan.Workload} on {cloud.Name}",
            command: command,
            startedAt: startedAt,
            target: plan.Cloud == Cloud.Alibaba ? $"{string.Join(",", cloud.Endpoints)} (control API {cloud.ControlEndpoint})" : string.Join(",", ec2Endpoints),
            seed: plan.Seed,
            scenarios: scenarios,
            run: run,
            convergence: convergence,
            notes: notes) with { SetUpSeconds = Math.Round(setUp.TotalSeconds, 3) };
        report = report with
        {
            Headline = RunHeadline.Lines(report, plan, fleet, scenarios.Select(s => ReportBuilder.Window(s, run)).ToList(), churn?.Busy ?? 0),
            Warnings = RunHeadline.Warnings(convergence),
        };
        return new LoadOutcome(report, topology, tracker, run);
    }

    /// <summary>
    /// Seen less due for every private-address change the harness applied since <paramref name="since"/>, from its
    /// timeline (<c>GET /_harness/events</c>, paged). The harness keeps the last 100,000 events; older ones are gone.
    /// </summary>
    private static async Task<LatencySummary?> LatenessAsync(ICloudApi cloud, DateTimeOffset since, List<string> notes, CancellationToken cancellation)
    {
        var lateness = new Histogram();
        long after = 0;
        long dropped = 0;
        try
        {
            while (true)
            {
                using var document = JsonDocument.Parse(await cloud.Control.GetStringAsync(
                    new Uri(cloud.ControlEndpoint, $"/_harness/events?after={after}&limit=10000"), cancellation).ConfigureAwait(false));
                var root = document.RootElement;
                dropped = root.GetProperty("dropped").GetInt64();
                var events = root.GetProperty("events");
                foreach (var e in events.EnumerateArray())
                {
                    after = e.GetProperty("sequence").GetInt64();
                    if (e.GetProperty("kind").GetString() == "private-ipv4s" && e.GetProperty("status").GetString() == "applied"
                        && e.GetProperty("dueAt").ValueKind == JsonValueKind.String && e.GetProperty("seenAt").ValueKind == JsonValueKind.String
                        && e.GetProperty("madeAt").GetDateTimeOffset() >= since)
                    {
                        var late = e.GetProperty("seenAt").GetDateTimeOffset() - e.GetProperty("dueAt").GetDateTimeOffset();
                        lateness.Record(Math.Max(0, late.Ticks / 10));
                    }
                }

                if (events.GetArrayLength() == 0)
                {
                    break;
                }
            }
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
            notes.Add($"The harness's timeline could not be read for its lateness: {error.Message}");
            return null;
        }

        if (dropped > 0)
        {
            notes.Add($"The harness had dropped the oldest {dropped:N0} events of its timeline; lateness covers the {lateness.Count:N0} changes it still held.");
        }

        return lateness.Count == 0 ? null : ReportBuilder.Summary(lateness);
    }

    private static async Task SetDelayAsync(ICloudApi cloud, string delay, CancellationToken cancellation)
    {
        using var response = await cloud.Control.PutAsJsonAsync(new Uri(cloud.ControlEndpoint, "/_harness/propagation"), new Dictionary<string, string> { ["imds"] = delay }, cancellation)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadSetupException($"could not set the delay model on the target (PUT /_harness/propagation answered {(int)response.StatusCode}): "
                + await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        }
    }

    /// <summary>The model private-address changes draw from: the kind's own, or the default.</summary>
    private static async Task<DelayModel?> ReadModelAsync(ICloudApi cloud, CancellationToken cancellation)
    {
        try
        {
            using var document = JsonDocument.Parse(await cloud.Control.GetStringAsync(new Uri(cloud.ControlEndpoint, "/_harness/propagation"), cancellation).ConfigureAwait(false));
            var root = document.RootElement;
            var spec = root.TryGetProperty("kinds", out var kinds) && kinds.TryGetProperty("private-ipv4s", out var kind) ? kind.GetString()
                : root.GetProperty("imds").GetString();
            return spec is null ? null : DelaySpec.Parse(spec);
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or DelaySpecException)
        {
            return null;
        }
    }
}
