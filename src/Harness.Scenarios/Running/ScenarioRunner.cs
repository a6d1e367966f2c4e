using System.Text.Json.Nodes;
using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>
/// Runs a scenario against a harness through its public surfaces only (the EC2 API and the control API), so an
/// embedded harness and one named by <c>--target</c> are driven the same way: builds the topology, runs the steps
/// (in order, or at their <c>at:</c> offsets), judges the expectations, and gathers everything into a <see cref="RunReport"/>.
/// </summary>
public sealed partial class ScenarioRunner
{
    private readonly Scenario scenario;
    private readonly ScenarioClock clock;
    private readonly RunProgress progress;
    private readonly Ec2Client ec2;

    /// <summary>The ECS/VPC API, when the run knows the harness's ECS endpoint (a <c>cloud: alibaba</c> scenario needs it).</summary>
    private readonly EcsClient? ecs;

    /// <summary>The ECS endpoint itself, which an Alibaba scenario's <c>load:</c> drives.</summary>
    private readonly Uri? ecsEndpoint;
    private readonly ControlClient control;
    private readonly string? controlToken;
    private readonly Uri harness;
    private readonly CancellationTokenSource abort;

    /// <summary>Leave the world the run built in place (<c>run --keep</c>), rather than removing it at the end.</summary>
    private readonly bool keep;

    /// <summary>Whether the harness outlives the run (<c>--target</c>): its quotas then carry what earlier runs left.</summary>
    private readonly bool shared;
    private readonly Dictionary<string, string> vpcIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> subnetIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> instanceIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> interfaceIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string AllocationId, string PublicIp)> elasticIps = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly List<(Step Step, StepReport Report)> steps = [];
    private readonly List<(Step Step, ExpectationReport Report)> expectations = [];
    private readonly Dictionary<string, ClientReport> clients = new(StringComparer.Ordinal);

    /// <summary>How many times each step has started (a step in a repeat starts once per round).</summary>
    private readonly Dictionary<Step, int> started = [];
    private long baseline;
    private long faultBaseline;

    /// <summary>Faults the run put in force, by the name the scenario gave (or the id the harness gave), to clear them.</summary>
    private readonly Dictionary<string, string> faultIds = new(StringComparer.Ordinal);

    /// <summary>Every fault the run added, cleared or not: the report shows these and no one else's.</summary>
    private readonly HashSet<string> addedFaults = new(StringComparer.Ordinal);
    private string? error;

    /// <summary>The harness's propagation settings before the run, put back after it.</summary>
    private PropagationDocument? before;

    private ScenarioRunner(
        Scenario scenario, HttpClient http, Uri harness, bool shared, ScenarioClock clock, RunProgress progress, bool keep, string? controlToken,
        Uri? ecsEndpoint, CancellationToken cancellation)
    {
        ecs = ecsEndpoint is null ? null : new EcsClient(http, ecsEndpoint, scenario.Region);
        this.ecsEndpoint = ecsEndpoint;
        this.scenario = scenario;
        this.shared = shared;
        this.keep = keep;
        this.clock = clock;
        this.progress = progress;
        ec2 = new Ec2Client(http, harness, scenario.Region);
        control = new ControlClient(http, harness, controlToken);
        this.controlToken = controlToken;
        this.harness = harness;
        abort = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    }

    private CancellationToken Token => abort.Token;

    /// <param name="harness">The harness's base URL (its EC2 endpoint; the control API is under <c>/_harness/</c>).</param>
    /// <param name="target">How the report names the harness: <c>embedded</c> or its URL.</param>
    /// <param name="keep">Leave the VPCs, instances, interfaces and Elastic IPs the run created in place (<c>run --keep</c>).</param>
    /// <param name="controlToken">The harness's control token (<c>run --control-token</c>), or null when it requires none.</param>
    /// <param name="ecsEndpoint">The harness's ECS/VPC API (<c>serve --ecs-port</c>), which a <c>cloud: alibaba</c> scenario drives.</param>
    public static async Task<RunReport> RunAsync(
        Scenario scenario, Uri harness, string target, ScenarioClock clock, RunProgress progress, bool keep = false, CancellationToken cancellation = default,
        string? controlToken = null, Uri? ecsEndpoint = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var runner = new ScenarioRunner(scenario, http, harness, target != "embedded", clock, progress, keep, controlToken, ecsEndpoint, cancellation);
        return await runner.RunAsync(target);
    }

    private async Task<RunReport> RunAsync(string target)
    {
        var startedAt = clock.Now;
        clock.MarkStart();
        try
        {
            if (scenario.Load.Count > 0 && clock.IsVirtual)
            {
                throw new StepException("a load: block runs in real time and needs the real clock");
            }

            await control.CheckHealthAsync(Token);
            await SetUpAsync();
        }
        catch (Exception failure)
        {
            error = Token.IsCancellationRequested ? "the run was cancelled during set-up" : $"set-up failed: {Explain(failure)}{QuotaHint(failure)}";
            progress.Line(clock.Elapsed, "✗", error);
            var failed = await ReportAsync(target, startedAt, setUp: false, LoadsNotStarted("the scenario's set-up did not finish"));
            await RestorePropagationAsync();
            await ClearFaultsAsync();
            return failed with { CleanUp = await CleanUpAsync() };
        }

        clock.MarkStart();
        progress.Line(TimeSpan.Zero, "▶", $"{scenario.Name}: {scenario.AllSteps.Count(s => s is not (ParallelStep or RepeatStep))} steps on the {(clock.IsVirtual ? "virtual" : "real")} clock");
        var main = scenario.Steps.Where(s => s.At is null).ToList();
        var work = new List<Func<Task>> { () => RunSequenceAsync(main) };
        work.AddRange(scenario.Steps.Where(s => s.At is not null).Select(s => (Func<Task>)(() => RunGuardedAsync(s))));
        using var stopLoads = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var loads = StartLoads(stopLoads.Token);
        await clock.RunConcurrentlyAsync(work);

        // The load ends with the steps, and before the clean-up below.
        await stopLoads.CancelAsync();
        var loadReports = await Task.WhenAll(loads);
        if (Token.IsCancellationRequested && error is null)
        {
            error = "the run was cancelled";
        }

        // Faults end with the run, before the report, so that the report shows them ending.
        await ClearFaultsAsync();
        var report = await ReportAsync(target, startedAt, setUp: true, loadReports);
        await RestorePropagationAsync();

        // After the report, which reads the world, and after the run's overrides on its instances are gone.
        return report with { CleanUp = await CleanUpAsync() };
    }

    /// <summary>Clears the faults the run put in force that are still there, so a shared harness is left as it was.</summary>
    private async Task ClearFaultsAsync()
    {
        List<string> ids;
        lock (gate)
        {
            ids = [.. faultIds.Values];
            faultIds.Clear();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var id in ids)
        {
            try
            {
                await control.ClearFaultAsync(id, timeout.Token);
            }
            catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
            {
                progress.Line(clock.Elapsed, "✗", $"could not clear fault {id}: {failure.Message}");
            }
        }
    }

    /// <summary>
    /// Puts the harness's propagation settings back as they were before the run, so a harness shared through
    /// <c>--target</c> keeps its own delay model; overrides the run set for its own instances and interfaces go too.
    /// </summary>
    private async Task RestorePropagationAsync()
    {
        if (before is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var now = await control.PropagationAsync(timeout.Token);
            var kinds = new JsonObject();
            foreach (var kind in now.Kinds.Keys.Union(before.Kinds.Keys))
            {
                kinds[kind] = before.Kinds.TryGetValue(kind, out var spec) ? spec : null;
            }

            await control.PutPropagationAsync(new JsonObject
            {
                ["imds"] = before.Imds, ["kinds"] = kinds, ["reorder"] = before.Reorder, ["forcedDetachStaysStale"] = before.ForcedDetachStaysStale,
            }, timeout.Token);
            foreach (var (scope, ours, was) in new[] { ("instances", now.Instances, before.Instances), ("interfaces", now.Interfaces, before.Interfaces) })
            {
                foreach (var id in ours.Keys.Where(id => !was.ContainsKey(id)))
                {
                    await control.OverrideAsync(scope, id, null, timeout.Token);
                }
            }
        }
        catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
        {
            progress.Line(clock.Elapsed, "✗", $"could not put the harness's propagation settings back: {failure.Message}");
        }
    }

    private async Task RunSequenceAsync(IEnumerable<Step> sequence)
    {
        foreach (var step in sequence)
        {
            if (!await RunGuardedAsync(step))
            {
                return;
            }
        }
    }

    /// <summary>Runs a step; false when the run has stopped (this step or another failed, or the run was cancelled).</summary>
    private async Task<bool> RunGuardedAsync(Step step)
    {
        try
        {
            await RunStepAsync(step);
            return true;
        }
        catch (Exception) when (Token.IsCancellationRequested)
        {
            // Once the run is stopping, whatever a step still meets (a harness gone while a client's end was being
            // marked, say) is part of the stop, reported as such, never an escape without a report.
            return false;
        }
    }

    private async Task RunStepAsync(Step step)
    {
        Token.ThrowIfCancellationRequested();
        if (step.At is { } at)
        {
            await clock.WaitUntilAsync(clock.Start + at, Token);
        }

        switch (step)
        {
            case ParallelStep parallel:
                await clock.RunConcurrentlyAsync([.. parallel.Steps.Select(s => (Func<Task>)(() => RunGuardedAsync(s)))]);
                Token.ThrowIfCancellationRequested();
                return;
            case RepeatStep repeat:
                for (var i = 0; i < repeat.Times; i++)
                {
                    foreach (var inner in repeat.Steps)
                    {
                        await RunStepAsync(inner);
                    }
                }

                return;
        }

        Started(step);
        var start = clock.Elapsed;
        try
        {
            switch (step)
            {
                case ExpectStep expectation:
                    await ExpectAsync(expectation);
                    return;
                case ClientStep client:
                    await RunClientAsync(client);
                    clock.NoteChange();
                    return;
            }

            var detail = await ActAsync(step);
            clock.NoteChange();
            Record(step, new StepReport(step.Mark.Line, step.Describe(), start.TotalSeconds, clock.Elapsed.TotalSeconds, "ok", detail));
            progress.Line(clock.Elapsed, "·", step.Describe() + (detail is null ? "" : $" ({detail})"));
        }
        catch (Exception failure) when (!Token.IsCancellationRequested)
        {
            // The API refused the step, the harness went away, or a client could not start: the run cannot go on as written.
            if (step is ExpectStep expectation)
            {
                RecordExpectation(expectation, new ExpectationReport(
                    step.Mark.Line, step.Describe(), false, clock.Elapsed.TotalSeconds, $"could not be checked: {Explain(failure)}", null));
            }
            else
            {
                Record(step, new StepReport(step.Mark.Line, step.Describe(), start.TotalSeconds, clock.Elapsed.TotalSeconds, "failed", Explain(failure)));
            }

            Fail($"line {step.Mark.Line}: {step.Describe()}: {Explain(failure)}");
            throw new OperationCanceledException(Token);
        }
    }

    /// <summary>
    /// What went wrong, in a line: the API's or the harness's own words for the failures a run expects (a refused call,
    /// a harness gone, a client that cannot start, a time-out), and the exception's kind besides for anything else.
    /// </summary>
    private static string Explain(Exception failure) => failure switch
    {
        Ec2CallException or HttpRequestException or StepException or System.ComponentModel.Win32Exception or Harness.Load.Workloads.LoadSetupException => failure.Message,
        TaskCanceledException => $"no answer within 30 s ({failure.Message})",
        _ => $"{failure.GetType().Name}: {failure.Message}",
    };

    private void Fail(string message)
    {
        lock (gate)
        {
            error ??= message;
        }

        progress.Line(clock.Elapsed, "✗", message + "; the run stops here");
        abort.Cancel();
    }

    private void Started(Step step)
    {
        lock (gate)
        {
            started[step] = started.GetValueOrDefault(step) + 1;
        }
    }

    private void Record(Step step, StepReport report)
    {
        lock (gate)
        {
            steps.Add((step, report));
        }
    }

    /// <summary>Creates the VPCs, subnets, instances, interfaces and Elastic IPs (through EC2, or ECS for an Alibaba scenario), lets metadata catch up, then applies the scenario's propagation.</summary>
    private async Task SetUpAsync()
    {
        var topology = scenario.Topology;
        progress.Line(TimeSpan.Zero, "▶", $"set-up: {Count(topology.Vpcs.Count, "VPC")}, {Count(topology.Subnets.Count(), "subnet")}, "
            + $"{Count(topology.Instances.Count, "instance")}, {Count(topology.Interfaces.Count, "extra interface")}, {Count(topology.ElasticIps.Count, "Elastic IP")}");
        if (IsAlibaba)
        {
            await BuildAlibabaAsync();
        }
        else
        {
            await BuildEc2Async();
        }

        // Set-up is not what a scenario rehearses: every instance starts with metadata that shows it.
        await control.FlushAsync(Token);
        before = await control.PropagationAsync(Token);
        if (scenario.Propagation is { } propagation)
        {
            await ApplyAsync(propagation);
        }

        baseline = await control.LastEventAsync(Token);
        faultBaseline = await control.LastFaultEventAsync(Token);
    }

    private async Task BuildEc2Async()
    {
        var topology = scenario.Topology;
        foreach (var vpc in topology.Vpcs)
        {
            var created = await ec2.CallAsync("CreateVpc", Token, ("CidrBlock", vpc.Cidr));
            var vpcId = Ec2Client.All(created, "vpcId").First().Value;
            vpcIds[vpc.Name] = vpcId;
            await NameAsync(vpcId, vpc.Name);
            foreach (var subnet in vpc.Subnets)
            {
                var subnetXml = await ec2.CallAsync("CreateSubnet", Token,
                    ("VpcId", vpcId), ("CidrBlock", subnet.Cidr), ("AvailabilityZone", subnet.Zone ?? scenario.Region + "a"));
                subnetIds[subnet.Name] = Ec2Client.All(subnetXml, "subnetId").First().Value;
                await NameAsync(subnetIds[subnet.Name], subnet.Name);
            }
        }

        foreach (var instance in topology.Instances)
        {
            var parameters = new List<(string, string)>
            {
                ("ImageId", "ami-0123456789abcdef0"), ("InstanceType", instance.Type), ("MinCount", "1"), ("MaxCount", "1"),
                ("SubnetId", subnetIds[instance.Subnet]),
            };
            if (instance.PrivateIp is { } ip)
            {
                parameters.Add(("PrivateIpAddress", ip));
            }

            var launched = await ec2.CallAsync("RunInstances", Token, [.. parameters]);
            var id = Ec2Client.All(launched, "instanceId").First().Value;
            instanceIds[instance.Name] = id;
            await NameAsync(id, instance.Name);
            if (instance.SecondaryIps.Count > 0)
            {
                var primary = Ec2Client.All(launched, "networkInterfaceId").First().Value;
                await AssignAsync(primary, instance.SecondaryIps, false);
            }
        }

        foreach (var nic in topology.Interfaces)
        {
            var parameters = new List<(string, string)> { ("SubnetId", subnetIds[nic.Subnet]) };
            if (nic.PrivateIp is { } ip)
            {
                parameters.Add(("PrivateIpAddress", ip));
            }

            var created = await ec2.CallAsync("CreateNetworkInterface", Token, [.. parameters]);
            var id = Ec2Client.All(created, "networkInterfaceId").First().Value;
            interfaceIds[nic.Name] = id;
            await NameAsync(id, nic.Name);
            if (nic.SecondaryIps.Count > 0)
            {
                await AssignAsync(id, nic.SecondaryIps, false);
            }

            if (nic.Instance is { } instance)
            {
                await ec2.CallAsync("AttachNetworkInterface", Token,
                    ("NetworkInterfaceId", id), ("InstanceId", instanceIds[instance]), ("DeviceIndex", Ec2Client.Number(nic.Device)));
            }
        }

        foreach (var eip in topology.ElasticIps)
        {
            var allocated = await ec2.CallAsync("AllocateAddress", Token, ("Domain", "vpc"));
            var allocationId = Ec2Client.All(allocated, "allocationId").First().Value;
            elasticIps[eip.Name] = (allocationId, Ec2Client.All(allocated, "publicIp").First().Value);
            await NameAsync(allocationId, eip.Name);
            if (eip.PrivateIp is { } ip)
            {
                await AssociateAsync(eip.Name, ip, null, false);
            }
        }
    }

    /// <summary>
    /// EC2's per-region quotas: what holds them may be no part of this run. (A subnet out of addresses is not among them:
    /// set-up launches into subnets of its own.)
    /// </summary>
    private static readonly HashSet<string> QuotaCodes = new(StringComparer.Ordinal)
    {
        "AddressLimitExceeded", "InstanceLimitExceeded", "VcpuLimitExceeded", "VpcLimitExceeded", "SubnetLimitExceeded",
        "NetworkInterfaceLimitExceeded", "SecurityGroupLimitExceeded",
    };

    /// <summary>For a set-up refused by a quota: who else may hold it, and how to free it.</summary>
    private string QuotaHint(Exception failure) => failure is Ec2CallException { Code: var code } && QuotaCodes.Contains(code)
        ? shared
            ? $"; the quota is the region's, on a harness shared through --target: earlier runs (kept with --keep, or interrupted"
                + $" before their clean-up) or other users of {harness} may hold it. Free it by releasing what they left (ReleaseAddress,"
                + " TerminateInstances, …), or with POST /_harness/reset, which empties the whole harness"
            : "; the embedded harness starts empty, so the scenario alone asks for more than the region's quota allows"
        : "";

    private static string Count(int count, string what) => $"{count} {what}{(count == 1 ? "" : what.EndsWith("ch", StringComparison.Ordinal) ? "es" : "s")}";

    private Task NameAsync(string resourceId, string name) =>
        ec2.CallAsync("CreateTags", Token, ("ResourceId.1", resourceId), ("Tag.1.Key", "Name"), ("Tag.1.Value", name));

    private async Task ApplyAsync(PropagationChange change)
    {
        if (change.Flush)
        {
            await control.FlushAsync(Token);
            return;
        }

        var settings = new JsonObject();
        if (change.Imds is { } imds)
        {
            settings["imds"] = imds;
        }

        if (change.Kinds.Count > 0)
        {
            var kinds = new JsonObject();
            foreach (var (kind, spec) in change.Kinds)
            {
                kinds[kind] = spec;
            }

            settings["kinds"] = kinds;
        }

        if (change.Reorder is { } reorder)
        {
            settings["reorder"] = reorder;
        }

        if (change.ForcedDetachStaysStale is { } stale)
        {
            settings["forcedDetachStaysStale"] = stale;
        }

        if (settings.Count > 0)
        {
            await control.PutPropagationAsync(settings, Token);
        }

        foreach (var (name, spec) in change.Instances)
        {
            await control.OverrideAsync("instances", instanceIds[name], spec, Token);
        }

        foreach (var (name, spec) in change.Interfaces)
        {
            await control.OverrideAsync("interfaces", interfaceIds[name], spec, Token);
        }
    }
}

/// <summary>A step that cannot be carried out as written (an instance without an interface at that device now, …).</summary>
public sealed class StepException(string message) : Exception(message);
