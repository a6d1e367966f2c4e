namespace Harness.Load.Workloads;

/// <summary>One simulated instance the workloads drive: its interfaces and, on a harness, its own metadata endpoint.</summary>
public sealed class SimInstance(string id, int index)
{
    public string Id { get; } = id;

    public int Index { get; } = index;

    public List<SimInterface> Interfaces { get; } = [];

    /// <summary>The instance's own metadata address (<c>http://127.a.b.c:port</c>); null when the target has none.</summary>
    public Uri? Imds { get; set; }

    /// <summary>Changes to its interfaces that no read has shown yet; locked by the tracker.</summary>
    internal List<TrackedChange> Changes { get; } = [];

    /// <summary>The poller's IMDSv2 token and when it must be renewed (a timestamp of the run's clock).</summary>
    internal (string Value, long RenewAt)? Token { get; set; }

    /// <summary>The token request in flight, which other polls of this instance wait for rather than ask again.</summary>
    internal Task? TokenFetch;
}

/// <summary>One network interface: where churned addresses go and come from.</summary>
public sealed class SimInterface(string id, string mac, string subnetId, SimInstance instance)
{
    public string Id { get; } = id;

    public string Mac { get; } = mac;

    public string SubnetId { get; } = subnetId;

    public SimInstance Instance { get; } = instance;

    /// <summary>What the latest-begun metadata read of its <c>local-ipv4s</c> showed, and when it began; locked with its instance's changes.</summary>
    internal (string Body, long At)? LastShown { get; set; }
}

/// <summary>
/// A secondary address the churn moves about. Only one operation acts on an address at a time (it is taken from the
/// idle queue and put back after the reply), so <see cref="Owner"/> is what the API last said.
/// </summary>
public sealed class FloatingAddress(string ip, string subnetId, SimInterface? owner)
{
    public string Ip { get; } = ip;

    public string SubnetId { get; } = subnetId;

    public SimInterface? Owner { get; set; } = owner;

    /// <summary>The latest change made to it, which a later one supersedes if no read has shown it yet.</summary>
    internal TrackedChange? Latest { get; set; }
}

/// <summary>What the workloads run against: instances, their interfaces by subnet, and the floating addresses.</summary>
public sealed class Topology(IReadOnlyList<SimInstance> instances, IReadOnlyList<FloatingAddress> addresses, bool hasMetadata)
{
    public IReadOnlyList<SimInstance> Instances { get; } = instances;

    public IReadOnlyList<SimInterface> Interfaces { get; } = instances.SelectMany(i => i.Interfaces).ToList();

    public IReadOnlyList<FloatingAddress> Addresses { get; } = addresses;

    /// <summary>The interfaces of each subnet: an address can only move within its subnet.</summary>
    public IReadOnlyDictionary<string, SimInterface[]> InterfacesBySubnet { get; } =
        instances.SelectMany(i => i.Interfaces).GroupBy(i => i.SubnetId).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>True when the target is a harness whose instances have metadata endpoints (moto has none).</summary>
    public bool HasMetadata { get; } = hasMetadata;
}
