namespace Harness.Scenarios.Reports;

/// <summary>
/// Everything a run found, for every report format. Times are seconds from the start of the run (the end of set-up)
/// on the run's clock; negative for what set-up did.
/// </summary>
public sealed record RunReport(
    string Scenario, string? Description, string File, int Seed, string Clock, string Target, DateTimeOffset StartedAt, double Duration,
    bool Passed, string? Error, string Propagation, IReadOnlyList<InstanceReport> Instances, IReadOnlyList<StepReport> Steps,
    IReadOnlyList<ExpectationReport> Expectations, IReadOnlyList<ClientReport> Clients, IReadOnlyList<EventReport> Events, long EventsDropped)
{
    /// <summary>What the faults in force did during the run: added, cleared, expired, and each request or change they touched.</summary>
    public IReadOnlyList<FaultEventReport> Faults { get; init; } = [];

    /// <summary>Fault events beyond those kept in <see cref="Faults"/>.</summary>
    public long FaultsDropped { get; init; }

    /// <summary>The workloads of the scenario's <c>load:</c> block, in file order; empty without one.</summary>
    public IReadOnlyList<LoadRunReport> Loads { get; init; } = [];

    /// <summary>What became of the world the run built: cleaned up, kept (<c>--keep</c>), or what could not be removed and why; null when it built nothing.</summary>
    public string? CleanUp { get; init; }

    public int Failures => Expectations.Count(e => !e.Passed) + (Error is null ? 0 : 1);
}

public sealed record InstanceReport(string Name, string InstanceId, string ImdsEndpoint, IReadOnlyList<InterfaceReport> Interfaces);

public sealed record InterfaceReport(string? Name, string NetworkInterfaceId, int Device);

/// <param name="Outcome"><c>ok</c>, <c>failed</c> (the API refused it; the run stops), or <c>skipped</c> (the run stopped before it).</param>
public sealed record StepReport(int Line, string Description, double? Start, double? End, string Outcome, string? Detail);

/// <param name="At">When the verdict was reached.</param>
public sealed record ExpectationReport(int Line, string Description, bool Passed, double At, string Evidence, string? Instance);

/// <param name="Start">When it was registered with the harness, just before it was started (the harness's clock).</param>
/// <param name="End">When the harness marked its end, just after its exit was seen (the harness's clock): every reply it
/// read before it exited was recorded before this.</param>
/// <param name="Ran">The process's own run time, from its start to its exit.</param>
/// <param name="Ec2Endpoint">Its own recorded API endpoint: EC2's, or in a <c>cloud: alibaba</c> run the ECS one (…/ecs).</param>
public sealed record ClientReport(
    string Name, string Instance, string InstanceId, string Command, double Start, double End, int? ExitCode, bool TimedOut,
    string Stdout, string Stderr, IReadOnlyList<CallReport> Calls, long Dropped, string ImdsEndpoint, string Ec2Endpoint, double Ran);

/// <param name="Channel"><c>ec2</c>, <c>ecs</c> (an Alibaba client's API calls) or <c>imds</c>.</param>
/// <param name="Status">The HTTP status; 0 when the connection was dropped without a reply.</param>
/// <param name="Body">For metadata reads, the reply; for EC2 calls, the parameters.</param>
/// <param name="Current">For a metadata reply: whether it was what the metadata answers once caught up (false: a stale view).</param>
/// <param name="Fault">The faults that touched the call and what each did (<c>brownout: answered 503</c>).</param>
/// <param name="AfterEnd">Answered after the client was seen to exit: not something it could act on.</param>
public sealed record CallReport(
    double At, string Channel, string Method, string Target, int Status, string? Error, string? Body, double Milliseconds, bool? Current,
    string? Fault = null, bool AfterEnd = false);

/// <summary>A change that alters what an instance's metadata shows, when it was made and when the instance saw it.</summary>
/// <param name="Fault">The fault that held, parked or echoed the change, if any.</param>
public sealed record EventReport(
    string Instance, string InstanceId, string Kind, string? NetworkInterfaceId, string Detail, double MadeAt, double? DueAt, double? SeenAt, string Status,
    string? Fault = null);

/// <summary>A fault added, cleared or expired, or a request or change it touched.</summary>
/// <param name="Instance">The instance's name in the scenario, when the event concerns one.</param>
public sealed record FaultEventReport(
    double At, string Fault, string Kind, string Event, string? Channel, string? Instance, string? Target, string? Detail)
{
    /// <summary>The harness's id of the fault: a name can be used again once the fault it named has ended.</summary>
    public string FaultId { get; init; } = Fault;

    /// <summary>The event's place on the harness's fault timeline.</summary>
    public long Sequence { get; init; }
}
