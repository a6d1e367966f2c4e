namespace Harness.Client;

/// <summary>What the metadata of one instance is doing (<c>GET /_harness/instances/{id}</c>).</summary>
/// <param name="ImdsEndpoint">The base URL of the instance's own metadata service, e.g. <c>http://127.0.1.2:4581</c>, for a process on the harness's machine.</param>
/// <param name="State">The instance's state in the API: what DescribeInstances says.</param>
/// <param name="MetadataState">The state its metadata has caught up with.</param>
/// <param name="PendingChanges">Changes on their way to its metadata.</param>
/// <param name="InSync">Whether its metadata shows what the API says now.</param>
/// <param name="Propagation">The delay model its next changes are drawn from.</param>
/// <param name="MetadataUrl">The metadata base URL through the host this client reached the harness at (the instance's id
/// as the path). From outside a container whose ports are published on other numbers, use the Testcontainers module's
/// <c>GetMetadataEndpoint</c> or serve --public-imds-url.</param>
public sealed record InstanceInfo(
    string InstanceId, string Region, string ImdsEndpoint, string ImdsAddress, string State, string MetadataState,
    string? Mac, string? PrivateIpAddress, int PendingChanges, bool InSync, string Propagation, string MetadataUrl);

/// <summary>What an instance's metadata shows (<see cref="Seen"/>) against what the API says (<see cref="Desired"/>).</summary>
public sealed record MetadataState(string InstanceId, bool InSync, MetadataView Seen, MetadataView Desired);

public sealed record MetadataView(string State, IReadOnlyList<MetadataInterface> Interfaces);

/// <param name="Ipv4Associations">Public address to private address, as the metadata's <c>ipv4-associations</c> shows them.</param>
public sealed record MetadataInterface(
    string Mac, string NetworkInterfaceId, int DeviceNumber, int NetworkCard, IReadOnlyList<string> LocalIpv4s,
    IReadOnlyDictionary<string, string> Ipv4Associations, IReadOnlyList<string> Ipv4Prefixes, IReadOnlyList<string> SecurityGroupIds);

/// <summary>
/// One change on the timeline: made at <see cref="MadeAt"/>, due at <see cref="DueAt"/> (null for <c>never</c>), seen by
/// the metadata at <see cref="SeenAt"/>; <see cref="Status"/> is <c>pending</c>, <c>applied</c>, <c>never</c>, <c>held</c>,
/// <c>stale</c> or <c>superseded</c>, and <see cref="Fault"/> names the fault that held, parked or echoed it.
/// </summary>
public sealed record MetadataChange(
    long Sequence, string InstanceId, string Kind, string? NetworkInterfaceId, string? Mac, string Detail,
    DateTimeOffset MadeAt, DateTimeOffset? DueAt, DateTimeOffset? SeenAt, string Status, string? Fault);

/// <summary>A page of the timeline; <see cref="Dropped"/> counts the changes that fell out of its ring.</summary>
public sealed record ChangePage(IReadOnlyList<MetadataChange> Events, long LastSequence, long Dropped);

/// <summary>The propagation settings (<c>GET /_harness/propagation</c>): delay models by kind, instance and interface.</summary>
public sealed record PropagationSettings(
    string Imds, IReadOnlyDictionary<string, string> Kinds, IReadOnlyDictionary<string, string> Instances,
    IReadOnlyDictionary<string, string> Interfaces, bool Reorder, bool ForcedDetachStaysStale);

/// <summary>
/// A change to the propagation settings: only what is set is sent. In the dictionaries, a null model removes that
/// kind's, instance's or interface's override.
/// </summary>
public sealed record PropagationUpdate
{
    public string? Imds { get; init; }

    public IReadOnlyDictionary<string, string?>? Kinds { get; init; }

    public IReadOnlyDictionary<string, string?>? Instances { get; init; }

    public IReadOnlyDictionary<string, string?>? Interfaces { get; init; }

    public bool? Reorder { get; init; }

    public bool? ForcedDetachStaysStale { get; init; }
}

/// <summary>A fault in force; <see cref="Spec"/> is its canonical spec, <see cref="Touched"/> how much it has touched so far.</summary>
public sealed record Fault(
    string Id, string Name, string Kind, string Spec, string Source, DateTimeOffset AddedAt, DateTimeOffset? ExpiresAt, long Touched);

/// <summary>A program under test registered with the harness, with endpoints of its own whose every request is recorded.</summary>
/// <param name="ImdsEndpoint">The client's own metadata address, for a client on the harness's machine.</param>
/// <param name="MetadataUrl">The same recorded metadata through the host this client reached the harness at, the client's
/// id as the path (see <see cref="InstanceInfo.MetadataUrl"/>).</param>
public sealed record RegisteredClient(
    string Id, string Name, string InstanceId, string ImdsEndpoint, string Ec2Endpoint, DateTimeOffset RegisteredAt, DateTimeOffset? EndedAt,
    string MetadataUrl);

/// <summary>A registered client and every request it made at its endpoints.</summary>
public sealed record ClientRecords(RegisteredClient Client, IReadOnlyList<ClientRequest> Records, long Dropped);

/// <param name="Channel"><c>ec2</c> or <c>imds</c>.</param>
/// <param name="Status">The HTTP status it got; 0 when its connection was dropped.</param>
/// <param name="Current">For a metadata read: whether it is what the metadata answers once caught up.</param>
/// <param name="AfterEnd">Answered after the client's end was marked.</param>
public sealed record ClientRequest(
    DateTimeOffset At, string Channel, string Method, string Target, int Status, string? Error, string? Body, double Milliseconds, bool? Current,
    string? Fault, bool AfterEnd);
