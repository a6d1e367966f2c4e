using Harness.Scenarios.Model;
using Harness.Scenarios.Reports;

namespace Harness.Scenarios.Running;

/// <summary>Gathering the run into a report: the timeline of every instance it built, and what was never reached.</summary>
public sealed partial class ScenarioRunner
{
    /// <summary>How many fault events a report keeps; a fault that touches every request of a long run would swamp it.</summary>
    private const int MaxFaultEvents = 5000;

    private async Task<RunReport> ReportAsync(string target, DateTimeOffset startedAt, bool setUp, IReadOnlyList<LoadRunReport> loads)
    {
        var duration = clock.Elapsed.TotalSeconds;
        var names = instanceIds.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var interfaceNames = interfaceIds.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var instances = new List<InstanceReport>();
        var events = new List<EventReport>();
        long dropped = 0;
        var faults = new List<FaultEventReport>();
        long faultsDropped = 0;
        var propagation = "";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            propagation = await control.PropagationModelAsync(timeout.Token);
            foreach (var (name, id) in instanceIds)
            {
                var document = await control.InstanceAsync(id, timeout.Token);
                List<InterfaceReport> interfaces;
                if (IsAlibaba)
                {
                    var enis = EcsClient.Items(await Ecs.CallAsync("DescribeNetworkInterfaces", timeout.Token, ("InstanceId", id), ("PageSize", "100")),
                        "NetworkInterfaceSets", "NetworkInterfaceSet");
                    interfaces = [.. enis.Select(n => EcsClient.Text(n, "NetworkInterfaceId") ?? "")
                        .Zip(enis.Select(DeviceOf), (eni, device) => new InterfaceReport(interfaceNames.GetValueOrDefault(eni), eni, device)).OrderBy(n => n.Device)];
                }
                else
                {
                    var reply = await ec2.CallAsync("DescribeNetworkInterfaces", timeout.Token, ("Filter.1.Name", "attachment.instance-id"), ("Filter.1.Value.1", id));
                    interfaces = Ec2Client.Items(reply, "networkInterfaceSet").Select(n =>
                    {
                        var eni = Ec2Client.Value(n, "networkInterfaceId") ?? "";
                        var device = int.TryParse(Ec2Client.All(n, "deviceIndex").FirstOrDefault()?.Value, out var index) ? index : -1;
                        return new InterfaceReport(interfaceNames.GetValueOrDefault(eni), eni, device);
                    }).OrderBy(n => n.Device).ToList();
                }

                instances.Add(new InstanceReport(name, id, document?.ImdsEndpoint ?? "", interfaces));
            }

            var (all, lost) = await control.EventsAfterAsync(setUp ? baseline : 0, timeout.Token);
            dropped = lost;
            events.AddRange(all.Where(e => names.ContainsKey(e.InstanceId)).Select(e => new EventReport(
                names[e.InstanceId], e.InstanceId, e.Kind, e.NetworkInterfaceId, e.Detail, Seconds(e.MadeAt),
                e.DueAt is { } due ? Seconds(due) : null, e.SeenAt is { } seen ? Seconds(seen) : null, e.Status, e.Fault)));
            HashSet<string> ours;
            lock (gate)
            {
                ours = [.. addedFaults];
            }

            var (faultEvents, faultsLost) = ours.Count == 0 ? ([], 0) : await control.FaultEventsAfterAsync(faultBaseline, MaxFaultEvents, timeout.Token);
            var mine = faultEvents.Where(e => ours.Contains(e.FaultId)).ToList();
            faultsDropped = faultsLost + Math.Max(0, mine.Count - MaxFaultEvents);
            faults.AddRange(mine.Take(MaxFaultEvents).Select(e => new FaultEventReport(
                Seconds(e.At), e.Name, e.Kind, e.Event, e.Channel, e.InstanceId is { } faultInstance ? names.GetValueOrDefault(faultInstance, faultInstance) : null,
                e.Target, e.Detail) { FaultId = e.FaultId, Sequence = e.Sequence }));
        }
        catch (Exception failure) when (failure is Ec2CallException or HttpRequestException or OperationCanceledException)
        {
            error ??= $"gathering the report failed: {failure.Message}";
        }

        List<StepReport> stepReports;
        List<ExpectationReport> expectationReports;
        lock (gate)
        {
            // Steps the run never reached are listed as skipped, and those it stopped in the middle of as interrupted;
            // expectations among them fail: nothing judged is not a pass.
            var leaves = scenario.AllSteps.Where(s => s is not (ParallelStep or RepeatStep)).ToList();
            var recorded = steps.Select(s => s.Step).Concat(expectations.Select(e => (Step)e.Step)).CountBy(s => s).ToDictionary();
            var skipped = leaves.Where(s => !started.ContainsKey(s)).ToList();
            var interrupted = leaves.Where(s => started.GetValueOrDefault(s) > recorded.GetValueOrDefault(s)).ToList();
            stepReports = [.. steps.Select(s => s.Report)
                .Concat(interrupted.Where(s => s is not ExpectStep).Select(s => new StepReport(s.Mark.Line, s.Describe(), null, null, "interrupted", "the run stopped during this step")))
                .Concat(skipped.Where(s => s is not ExpectStep).Select(s => new StepReport(s.Mark.Line, s.Describe(), null, null, "skipped", "the run stopped before this step")))];
            expectationReports = [.. expectations.Select(e => e.Report)
                .Concat(interrupted.OfType<ExpectStep>().Select(s => new ExpectationReport(s.Mark.Line, s.Describe(), false, duration, "not judged: the run stopped while it was being checked", null)))
                .Concat(skipped.OfType<ExpectStep>().Select(s => new ExpectationReport(s.Mark.Line, s.Describe(), false, duration, "not judged: the run stopped before it", null)))];
        }

        var passed = error is null && expectationReports.All(e => e.Passed);
        return new RunReport(
            scenario.Name, scenario.Description, scenario.File, scenario.Seed, clock.IsVirtual ? "virtual" : "real", target, startedAt, duration,
            passed, error, propagation, instances, stepReports, expectationReports, [.. clients.Values.OrderBy(c => c.Start)],
            [.. events.OrderBy(e => e.MadeAt)], dropped)
        {
            Faults = faults,
            FaultsDropped = faultsDropped,
            Loads = loads,
        };
    }
}
