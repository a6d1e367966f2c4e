using Harness.Domain.Clouds;

namespace Harness.Load.Workloads;

/// <summary>
/// The calls the workloads make, in either cloud's API: <see cref="Ec2Api"/> (EC2's Query API) and <see cref="EcsApi"/>
/// (Alibaba Cloud's ECS/VPC RPC API). Calls never throw for an API error; the caller reads <see cref="ApiReply.ErrorCode"/>.
/// Both clouds' harnesses share one control API (<c>/_harness/…</c>), which set-up and the reports use.
/// </summary>
public interface ICloudApi : IDisposable
{
    Cloud Cloud { get; }

    /// <summary>How reports name the API driven: <c>EC2</c>, <c>Alibaba Cloud ECS</c>.</summary>
    string Name { get; }

    /// <summary>Where the API's calls go (several: a harness cluster's processes, in turn).</summary>
    IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>The harness's control API's base URL.</summary>
    Uri ControlEndpoint { get; }

    /// <summary>
    /// A client for the control API, with the control token when there is one. Its POSTs and PUTs must say
    /// <c>Content-Type: application/json</c> (<see cref="Ec2Api.NoBody"/>).
    /// </summary>
    HttpClient Control { get; }

    /// <summary>How the instances' metadata is read.</summary>
    MetadataDialect Metadata { get; }

    /// <summary>
    /// True when an address another interface holds moves in one call (EC2's AllowReassignment); false when it must be
    /// unassigned from its holder first (Alibaba).
    /// </summary>
    bool ReassignsInOneCall { get; }

    /// <summary>True when a launched instance is Pending for a while and cannot be terminated until it is Running (Alibaba).</summary>
    bool LaunchesPending { get; }

    /// <summary>Assigns <paramref name="ip"/> to an interface; <paramref name="reassign"/> takes it from its holder (only when <see cref="ReassignsInOneCall"/>).</summary>
    Task<ApiReply> AssignAsync(string interfaceId, string ip, bool reassign, CancellationToken cancellation);

    Task<ApiReply> UnassignAsync(string interfaceId, string ip, CancellationToken cancellation);

    Task<DescribeReply> DescribeInterfacesAsync(InterfaceQuery query, CancellationToken cancellation);

    /// <summary>Launches one instance of <paramref name="instanceType"/> into a subnet (vSwitch) the set-up made.</summary>
    Task<LaunchReply> LaunchAsync(string subnetId, string instanceType, CancellationToken cancellation);

    /// <summary>Waits until a launched instance is Running (at once where <see cref="LaunchesPending"/> is false).</summary>
    Task<ApiReply> WaitRunningAsync(string instanceId, CancellationToken cancellation);

    Task<ApiReply> TerminateAsync(string instanceId, CancellationToken cancellation);
}
