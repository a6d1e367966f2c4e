using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// This process's place in its cluster: it joins the <see cref="IWorldGrain"/> once its listeners are up, joins again
/// whenever membership changes (the world grain keeps its record in memory and may have moved), and answers what
/// <c>GET /_harness/cluster</c> shows. With one silo (no <c>--cluster</c>) it is the same, with one member.
/// </summary>
public sealed class ClusterMembers(
    IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails silo, HarnessOptions options, ClusterMode mode,
    ClusterReplicas replicas, Faults.FaultBook faults, Regions.RegionDirectory regions, ClusterSecret secret, Clients.ClientTaps taps,
    ILogger<ClusterMembers> log)
    : IAsyncDisposable
{
    /// <summary>How long the cluster report waits for the world grain before it answers from what this process knows.</summary>
    private static readonly TimeSpan WorldPatience = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource stopping = new();

    /// <summary>Silos this process has seen alive: of the dead, only these are reported (Redis keeps older deaths for an hour or more).</summary>
    private readonly ConcurrentDictionary<SiloAddress, bool> seenAlive = new();

    /// <summary>The EC2 endpoints of processes that joined, kept after they die (the world grain forgets them).</summary>
    private readonly ConcurrentDictionary<string, string> endpoints = new(StringComparer.Ordinal);
    private ProcessRecord? self;
    private Task watching = Task.CompletedTask;

    public ClusterMode Mode => mode;

    /// <summary>This process as it joined (its EC2 endpoint, metadata port); null before it joined.</summary>
    public ProcessRecord? Self => self;

    /// <summary>
    /// Joins the cluster and, in one with other processes, copies the read model from one of them; throws
    /// <see cref="ClusterJoinRefusedException"/> when the cluster's start settings differ.
    /// </summary>
    public async Task JoinAsync(string ec2Endpoint, int imdsPort)
    {
        IReplicaObserver? replica = null;
        if (mode.IsCluster)
        {
            // Changes sent from the moment the world grain lists this process are newer than the snapshot taken after.
            replicas.BeginJoin(silo.SiloAddress);
            replica = grains.CreateObjectReference<IReplicaObserver>(replicas);
        }

        var record = new ProcessRecord(silo.SiloAddress.ToParsableString(), ec2Endpoint, imdsPort, replica);
        var answer = await JoinWorldAsync(record);
        if (answer.Refusal is { } refusal)
        {
            throw new ClusterJoinRefusedException($"cluster '{mode.ClusterId}' refused this process: {refusal}");
        }

        if (mode.IsCluster)
        {
            replicas.AdoptWorld(answer.Generation);
            if (answer.Secret is { } shared)
            {
                secret.Take(shared);
            }

            if (answer.Propagation is { } settings)
            {
                await replicas.SettingsChangedAsync(settings);
            }

            foreach (var fault in answer.Faults.IsDefault ? [] : answer.Faults)
            {
                await replicas.FaultAddedAsync(fault);
            }

            replicas.EndJoin(replicas.AnyOther() is { } source ? await source.SnapshotAsync() : []);
        }

        self = record;
        if (mode.IsCluster)
        {
            // Alone, membership never changes; a report puts this process back if a reset collected the world grain.
            watching = WatchAsync(record, stopping.Token);
        }
    }

    /// <summary>
    /// Every silo that is alive, or that died after this process saw it alive, with its status and, for processes that
    /// joined, their EC2 endpoint.
    /// </summary>
    public async Task<ClusterReport> ReportAsync()
    {
        try
        {
            var processes = await World.ProcessesAsync().WaitAsync(WorldPatience);
            if (self is { } me && !processes.Any(p => p.Silo == me.Silo))
            {
                // The world grain lost its record (its silo died, or a reset collected it): put this process back.
                await JoinWorldAsync(me).WaitAsync(WorldPatience);
                processes = await World.ProcessesAsync().WaitAsync(WorldPatience);
            }

            foreach (var process in processes)
            {
                endpoints[process.Silo] = process.Ec2Endpoint;
            }
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            // Its silo may have just died: membership's view below is this process's own, and the endpoints it knew stay.
            log.LogWarning(error, "The cluster report of {Cluster} goes without the world grain's record", mode.ClusterId);
        }

        if (self is { } joined)
        {
            endpoints[joined.Silo] = joined.Ec2Endpoint;
        }

        var grainsBySilo = await GrainsBySiloAsync();
        var snapshot = Observe(membership.CurrentSnapshot);
        var silos = snapshot.Members.Values
            .Where(m => m.Status != SiloStatus.Dead || seenAlive.ContainsKey(m.SiloAddress))
            .Select(m => (Address: m.SiloAddress.ToParsableString(), m.Status))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .Select(m => Report(m.Address, m.Status, grainsBySilo))
            .ToImmutableArray();
        return new ClusterReport(mode.ClusterId, self, silos, mode.State);
    }

    /// <summary>How many of the harness's grains each live silo holds, by kind (Orleans' statistics), or null when they cannot be had now.</summary>
    private async Task<Dictionary<string, Dictionary<string, int>>?> GrainsBySiloAsync()
    {
        if (!mode.IsCluster)
        {
            return null;
        }

        try
        {
            var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics().WaitAsync(WorldPatience);
            return statistics.Where(s => s.GrainType.StartsWith(GrainTypePrefix, StringComparison.Ordinal) && s.ActivationCount > 0)
                .GroupBy(s => s.SiloAddress.ToParsableString())
                .ToDictionary(g => g.Key, g => g.GroupBy(s => Kind(s.GrainType)).ToDictionary(k => k.Key, k => k.Sum(s => s.ActivationCount), StringComparer.Ordinal));
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            log.LogWarning(error, "The cluster report of {Cluster} goes without grain counts", mode.ClusterId);
            return null;
        }
    }

    /// <summary>A grain type's kind as the report shows it: <c>Harness.ControlPlane.Grains.SubnetGrain,Harness.ControlPlane</c> → <c>subnet</c>.</summary>
    private static string Kind(string grainType)
    {
        var name = grainType.Split(',')[0];
        name = name[(name.LastIndexOf('.') + 1)..];
        name = name.EndsWith("Grain", StringComparison.Ordinal) ? name[..^"Grain".Length] : name;
        return name.Length == 0 ? grainType : char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static readonly string GrainTypePrefix = Grains.GrainCallCounts.Namespace + ".";

    private SiloReport Report(string silo, SiloStatus status, Dictionary<string, Dictionary<string, int>>? grainsBySilo)
    {
        var kinds = grainsBySilo is null ? null : grainsBySilo.GetValueOrDefault(silo) ?? [];
        return new SiloReport(silo, status.ToString().ToLowerInvariant(), endpoints.GetValueOrDefault(silo), kinds?.Values.Sum(), kinds);
    }

    private ClusterMembershipSnapshot Observe(ClusterMembershipSnapshot snapshot)
    {
        foreach (var member in snapshot.Members.Values.Where(m => m.Status != SiloStatus.Dead))
        {
            seenAlive.TryAdd(member.SiloAddress, true);
        }

        return snapshot;
    }

    /// <summary>In a cluster, puts settings just set on this process in force on every process; alone, nothing to do.</summary>
    public Task PublishPropagationAsync(Metadata.PropagationSettings settings) =>
        mode.IsCluster ? World.SetPropagationAsync(PropagationSettingsText.Of(settings)) : Task.CompletedTask;

    /// <summary>In a cluster, delivers every pending metadata change now on the other processes too.</summary>
    public Task FlushEverywhereAsync() => mode.IsCluster ? World.FlushAsync() : Task.CompletedTask;

    /// <summary>In a cluster: numbers the fault and puts it in force on every process. Alone: null (the caller adds it here).</summary>
    public async Task<FaultAnswer?> AddFaultAsync(string spec, string? name, string source) =>
        mode.IsCluster ? await World.AddFaultAsync(spec, name, source) : null;

    /// <summary>In a cluster: clears the fault on every process, and whether one was in force. Alone: null.</summary>
    public async Task<bool?> RemoveFaultAsync(string idOrName) => mode.IsCluster ? await World.RemoveFaultAsync(idOrName) : null;

    /// <summary>In a cluster: clears every fault on every process. Alone: null.</summary>
    public async Task<int?> ClearFaultsAsync() => mode.IsCluster ? await World.ClearFaultsAsync() : null;

    /// <summary>Joins (or joins again) with what the world grain needs from this process, including what it may have lost.</summary>
    private Task<JoinAnswer> JoinWorldAsync(ProcessRecord record) =>
        World.JoinAsync(
            record, StartSettings.Of(options, mode.StateStore?.ToString() ?? "memory"), faults.LastNumber, regions.Generation, secret.Key, taps.LastNumber);

    private IWorldGrain World => grains.GetGrain<IWorldGrain>(IWorldGrain.Key);

    private async Task WatchAsync(ProcessRecord record, CancellationToken cancellation)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellation))
            {
                Observe(snapshot);
                try
                {
                    await JoinWorldAsync(record);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The world grain's silo may be the one that just died: the next change of membership tries again.
                    log.LogWarning(error, "Could not renew this process's place in cluster {Cluster}", mode.ClusterId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops renewing this process's place, before the silo stops (its calls would fail on a silo shutting down).</summary>
    public async Task LeaveAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync();
        }

        await watching;
    }

    public async ValueTask DisposeAsync()
    {
        await LeaveAsync();
        stopping.Dispose();
    }
}

/// <summary>
/// How the silo runs: alone (<c>Redis</c> null) or in a cluster whose membership is in Redis, with grain state in memory
/// (<c>StateStore</c> null) or in Redis.
/// </summary>
public sealed record ClusterMode(string ClusterId, RedisUrl? Redis, RedisUrl? StateStore = null)
{
    /// <summary>Where grain state lives: "redis" (it outlives its silo) or "memory" (a dead silo's grains lose theirs).</summary>
    public string State => StateStore is null ? "memory" : "redis";

    /// <summary>Whether grains keep their state in Redis (<c>--state</c>).</summary>
    public bool IsDurable => StateStore is not null;

    public bool IsCluster => Redis is not null;
}

public sealed record ClusterReport(string ClusterId, ProcessRecord? Self, ImmutableArray<SiloReport> Silos, string State);

/// <summary>
/// A silo as the cluster report shows it; <c>Grains</c> counts the harness's grains on it and <c>GrainsByKind</c> by kind
/// (<c>subnet</c>, <c>networkInterface</c>, …): null when not known.
/// </summary>
public sealed record SiloReport(string Silo, string Status, string? Ec2Endpoint, int? Grains = null, IReadOnlyDictionary<string, int>? GrainsByKind = null);

public sealed class ClusterJoinRefusedException(string message) : Exception(message);
