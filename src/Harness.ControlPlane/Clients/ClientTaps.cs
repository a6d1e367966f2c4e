using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Harness.ControlPlane.Metadata;

namespace Harness.ControlPlane.Clients;

/// <summary>
/// Programs under test, registered so that their own traffic can be told apart from everyone else's: each reads its
/// instance's metadata at an address of its own (an alias of the instance's endpoint) and calls EC2 at a path of its
/// own, and both are recorded. Scenarios judge a client's remap-wait logic from these records.
/// </summary>
public sealed class ClientTaps(MetadataPropagation propagation, TimeProvider time)
{
    /// <summary>How every client's id begins (<c>client-1</c>, …).</summary>
    public const string IdPrefix = "client-";

    private readonly ConcurrentDictionary<string, ClientTap> byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, ClientTap> byAddress = new();
    private int next;

    public TimeProvider Time => time;

    /// <summary>
    /// Runs before each record is written, while the reply waits for it: a seam for tests that slow the recording down
    /// to show that no reply overtakes its record. Null (nothing runs) unless a test sets it.
    /// </summary>
    public Func<Task>? BeforeRecord { get; set; }

    public IEnumerable<ClientTap> All => byId.Values;

    /// <summary>The highest number of a client registered here (0 if none): a cluster's world grain that lost its count learns it back.</summary>
    public int LastNumber => byId.Values.Select(t => t.Number).DefaultIfEmpty(Volatile.Read(ref next)).Max();

    /// <summary>
    /// Registers a client running on <paramref name="instanceId"/> (numbered <paramref name="number"/> when a cluster's world
    /// grain gave one, else next here); null when that instance has no metadata here. While the
    /// client is registered, the instance's own address goes to no other instance, even once the instance is forgotten.
    /// </summary>
    public ClientTap? Register(string name, string instanceId, int? number = null)
    {
        if (!propagation.TryGetByInstanceId(instanceId, out var slot) || !propagation.Pin(slot))
        {
            return null;
        }

        var generation = propagation.Generation;
        // Alone, numbered here; in a cluster the world grain numbers clients, so that an id names one client in all of it.
        var tap = new ClientTap(number ?? Interlocked.Increment(ref next), name, slot, propagation.ReserveAddress(), time.GetUtcNow())
        {
            Generation = generation,
        };
        byAddress[tap.Address] = tap;
        byId[tap.Id] = tap;
        return tap;
    }

    public bool TryGet(string id, [NotNullWhen(true)] out ClientTap? tap) => byId.TryGetValue(id, out tap);

    public bool TryGetByAddress(uint address, [NotNullWhen(true)] out ClientTap? tap) => byAddress.TryGetValue(address, out tap);

    public bool Remove(string id)
    {
        if (!byId.TryRemove(id, out var tap))
        {
            return false;
        }

        byAddress.TryRemove(tap.Address, out _);
        propagation.Unpin(tap.Slot);
        propagation.ReleaseAddress(tap.Address, tap.Generation);
        return true;
    }

    /// <summary>Forgets every client; numbering starts again at client-1, as instances' addresses start again at 127.1.1.1.</summary>
    public void Reset()
    {
        byId.Clear();
        byAddress.Clear();
        Interlocked.Exchange(ref next, 0);
    }
}

/// <summary>One registered client and what it did, in order; bounded, counting what no longer fit.</summary>
public sealed class ClientTap(int number, string name, MetadataSlot slot, uint address, DateTimeOffset registeredAt)
{
    /// <summary>Records kept per client; a client that does more is told how many were dropped.</summary>
    public const int Capacity = 20_000;

    private readonly Lock gate = new();
    private readonly List<TapRecord> records = [];
    private long dropped;

    /// <summary>Registrations are numbered in order: <c>client-1</c>, <c>client-2</c>, …</summary>
    public int Number { get; } = number;

    public string Id { get; } = ClientTaps.IdPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Name { get; } = name;

    public MetadataSlot Slot { get; } = slot;

    public uint Address { get; } = address;

    public string AddressText { get; } = Domain.Net.Ipv4.Format(address);

    /// <summary>The propagation generation its alias was taken in: after a reset the alias is not given back twice.</summary>
    internal long Generation { get; init; }

    public DateTimeOffset RegisteredAt { get; } = registeredAt;

    /// <summary>When whoever ran the client saw it exit (<see cref="End"/>); null while it runs.</summary>
    public DateTimeOffset? EndedAt
    {
        get
        {
            lock (gate)
            {
                return endedAt;
            }
        }
    }

    private DateTimeOffset? endedAt;

    /// <summary>
    /// Marks the client's end, as seen by whoever ran it. Every reply the client could have read before it exited was
    /// recorded before it left (<see cref="HeldReplyStream"/>), so the records before this mark are exactly those; anything
    /// recorded later is marked <see cref="TapRecord.AfterEnd"/>. The first mark stands.
    /// </summary>
    public DateTimeOffset End(DateTimeOffset at)
    {
        lock (gate)
        {
            endedAt ??= at;
            return endedAt.Value;
        }
    }

    public void Record(TapRecord record)
    {
        lock (gate)
        {
            if (endedAt is not null)
            {
                record = record with { AfterEnd = true };
            }

            if (records.Count < Capacity)
            {
                records.Add(record);
            }
            else
            {
                dropped++;
            }
        }
    }

    public (IReadOnlyList<TapRecord> Records, long Dropped) Snapshot()
    {
        lock (gate)
        {
            return ([.. records], dropped);
        }
    }
}

/// <summary>
/// One request a client made. <paramref name="Channel"/> is <c>ec2</c> or <c>imds</c>; <paramref name="Target"/> the
/// EC2 action or the metadata path; <paramref name="Status"/> 0 when the connection was dropped without a reply;
/// <paramref name="Error"/> the EC2 error code; <paramref name="Body"/> the metadata reply (first 4 KiB), or the EC2
/// call's parameters. <paramref name="Current"/>, for a metadata reply: whether it is what the instance's metadata will
/// answer once every change on its way has arrived (false: the reply came from a view that had not caught up).
/// <paramref name="Fault"/>: the faults that touched the request and what each did (<c>brownout: answered 503</c>).
/// <paramref name="AfterEnd"/>: recorded after the client's end was marked (a straggler of its group, or a request the
/// client never saw answered), so not something it acted on.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record TapRecord(
    DateTimeOffset At, string Channel, string Method, string Target, int Status, string? Error, string? Body, double Milliseconds,
    bool? Current = null, string? Fault = null, bool AfterEnd = false);

/// <summary>
/// A registered client as <c>/_harness/clients</c> shows it, made by the process it is registered on (its endpoints are
/// that process's). <paramref name="ImdsEndpoint"/>: its instance's metadata at an address of its own;
/// <paramref name="Ec2Endpoint"/>: its EC2 endpoint (AWS_ENDPOINT_URL_EC2); <paramref name="EndedAt"/>: when its end was
/// marked (null while it runs); <paramref name="MetadataUrl"/>: the same recorded metadata through the host the request
/// named, the metadata port with the client's id as the path (for a client outside the harness's container).
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record ClientCard(
    string Id, string Name, string InstanceId, string ImdsEndpoint, string Ec2Endpoint, DateTimeOffset RegisteredAt, DateTimeOffset? EndedAt,
    string MetadataUrl);

/// <summary>A client and everything it did, in order; <paramref name="Dropped"/> counts records that no longer fit.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ClientRecords(ClientCard Client, ImmutableArray<TapRecord> Records, long Dropped);

/// <summary>
/// Makes a client's card on the process it is registered on: the host knows its endpoints.
/// </summary>
public interface IClientCards
{
    /// <summary>
    /// <paramref name="origin"/>: the scheme and host of the request being answered (<c>http://127.0.0.1:4580</c>), or null
    /// when another process of a cluster asks (this process's own EC2 endpoint is used).
    /// </summary>
    ClientCard Card(ClientTap tap, string? origin);
}
