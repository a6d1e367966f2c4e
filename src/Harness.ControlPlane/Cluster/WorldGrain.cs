using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// The cluster's record of its processes and their shared start settings. In memory, if its silo dies, the survivors
/// join again when membership changes (<see cref="ClusterMembers"/>) and the record is whole again, but faults and
/// propagation settings set through the API are gone; with <c>--state</c> the record is in Redis and comes back whole.
/// </summary>
[KeepAlive]
internal sealed class WorldGrain(
    IClusterMembershipService membership, HarnessOptions options, GrainRecords records, TimeProvider time, ILogger<WorldGrain> log)
    : Grain, IWorldGrain
{
    private GrainRecord<WorldRecord>? record;

    /// <summary>Read back from Redis: the cluster ran before, with --state, and this activation continues it.</summary>
    private bool restored;

    /// <summary>Processes read back from Redis that have not joined this activation since: they may all have died with it.</summary>
    private readonly HashSet<string> unconfirmed = new(StringComparer.Ordinal);

    private readonly Dictionary<string, ProcessRecord> processes = new(StringComparer.Ordinal);
    private StartSettings? settings;
    private string? settingsFrom;
    private PropagationSettingsText? propagation;
    private long generation = 1;
    private byte[]? secret;

    /// <summary>Faults added through the control API and not cleared (expired ones are dropped as they are met).</summary>
    private readonly Dictionary<string, ClusterFault> faults = new(StringComparer.Ordinal);

    /// <summary>The last client registration number given out.</summary>
    private int clientNumber;

    /// <summary>The last fault number given out: the start faults (--fault) take the first ones on every process alike.</summary>
    private int faultNumber = options.Faults.Count;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        record = records.For<WorldRecord>(this);
        if (record is not null && await record.ReadAsync() is { } saved)
        {
            restored = true;
            (settings, settingsFrom, propagation, generation, secret, faultNumber, clientNumber) =
                (saved.Settings, saved.SettingsFrom, saved.Propagation, saved.Generation, saved.Secret, saved.FaultNumber, saved.ClientNumber);
            saved.Processes.ForEach(p => processes[p.Silo] = p);
            unconfirmed.UnionWith(processes.Keys);
            saved.Faults.ForEach(f => faults[f.Id] = f);
        }
    }

    public async Task<JoinAnswer> JoinAsync(
        ProcessRecord process, StartSettings start, int lastFaultNumber, long world, byte[]? processSecret, int lastClientNumber)
    {
        secret ??= processSecret ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        // A world grain that lost its record (its silo died) learns the numbers back from the processes.
        faultNumber = Math.Max(faultNumber, lastFaultNumber);
        clientNumber = Math.Max(clientNumber, lastClientNumber);
        generation = Math.Max(generation, world);
        unconfirmed.Remove(process.Silo);
        await ForgetSilentAsync();
        ForgetDeparted();
        var others = processes.Values.Where(p => p.Silo != process.Silo).ToList();
        if (others.Count == 0 && restored && !processes.ContainsKey(process.Silo))
        {
            // Every process of the cluster's last run is gone and a new one starts it again: Redis keeps what outlives a
            // process, not the whole cluster. A new world, as after a reset; the old one's records go.
            records.Forget(generation);
            (generation, propagation, faultNumber, clientNumber) = (generation + 1, null, options.Faults.Count, 0);
            faults.Clear();
        }

        if (others.Count == 0)
        {
            // The first process, or the only one left: its settings are the cluster's from now on.
            settings = start;
            settingsFrom = process.Ec2Endpoint;
        }
        else if (start.Difference(settings!) is { } difference)
        {
            return new JoinAnswer($"{difference} (set by the process at {settingsFrom}): start every process of a cluster with the same settings");
        }

        processes[process.Silo] = process;
        await KeepAsync();

        // Every process, the new one too, sends its changes to all of them from now on; each returns once what it was
        // sending to the processes it knew before has arrived, so the new one's snapshot, taken after this, misses nothing.
        var all = processes.Values.ToImmutableArray();
        await EveryProcessAsync(replica => replica.MembersChangedAsync(all), "the new list of processes");
        return new JoinAnswer(null, propagation, [.. LiveFaults()], generation, secret);
    }

    public async Task<bool> ResetAsync()
    {
        generation++;
        (propagation, faultNumber, clientNumber) = (null, options.Faults.Count, 0);
        faults.Clear();
        await KeepAsync();
        var emptied = true;
        try
        {
            await EveryProcessAsync(replica => replica.CloseGateAsync(), "closing its gate");

            // Drained in rounds of at most 20 s, each call well inside Orleans' response timeout, up to the drain limit.
            var waiting = processes.Values.Where(p => p.Replica is not null).ToList();
            var started = time.GetTimestamp();
            while (waiting.Count > 0 && time.GetElapsedTime(started) < WorldGate.DrainLimit)
            {
                var rounds = await Task.WhenAll(waiting.Select(async p => (p, Done: await DrainedAsync(p))));
                waiting = [.. rounds.Where(r => !r.Done).Select(r => r.p)];
            }

            emptied = waiting.Count == 0;
            await EveryProcessAsync(replica => replica.ClearWorldAsync(generation), "a reset");

            // The old world's grains are unreachable from here on, on every silo; collecting them gives their memory back,
            // and their records in Redis go too.
            await GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            records.Forget(generation - 1);
        }
        finally
        {
            await EveryProcessAsync(replica => replica.OpenGateAsync(), "opening its gate");
        }

        return emptied;
    }

    public async Task<int> NextClientNumberAsync()
    {
        var number = ++clientNumber;
        await KeepAsync();
        return number;
    }

    public async Task<FaultAnswer> AddFaultAsync(string spec, string? name, string source)
    {
        var id = $"fault-{++faultNumber}";
        name = string.IsNullOrEmpty(name) ? id : name;
        if (LiveFaults().Any(f => f.Name == name || f.Id == name))
        {
            return new FaultAnswer(null, $"A fault named '{name}' is already in force; clear it first or choose another name.");
        }

        var parsed = Domain.Faults.FaultSpec.Parse(spec);
        var fault = new ClusterFault(id, name, spec, source, time.GetUtcNow(), parsed.For);
        faults[id] = fault;
        await KeepAsync();
        await EveryProcessAsync(replica => replica.FaultAddedAsync(fault), "a fault");
        return new FaultAnswer(fault, null);
    }

    public async Task<bool> RemoveFaultAsync(string idOrName)
    {
        foreach (var fault in faults.Values.Where(f => f.Id == idOrName || f.Name == idOrName).ToList())
        {
            faults.Remove(fault.Id);
        }

        await KeepAsync();
        var removed = false;
        await EveryProcessAsync(async replica => removed |= await replica.FaultRemovedAsync(idOrName), "a fault's end");
        return removed;
    }

    public async Task<int> ClearFaultsAsync()
    {
        faults.Clear();
        await KeepAsync();
        var most = 0;

        // The continuations run one at a time on the grain's turn, as everything in it does.
        await EveryProcessAsync(async replica => most = Math.Max(most, await replica.FaultsClearedAsync()), "a clear of every fault");
        return most;
    }

    /// <summary>Whether the process's requests have left its closed gate; a process that does not answer counts as drained (membership drops it).</summary>
    private async Task<bool> DrainedAsync(ProcessRecord process)
    {
        try
        {
            return await process.Replica!.DrainedAsync().WaitAsync(TimeSpan.FromSeconds(25));
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            log.LogWarning(error, "Process {Silo} did not say whether its requests left", process.Silo);
            return true;
        }
    }

    private IEnumerable<ClusterFault> LiveFaults()
    {
        var now = time.GetUtcNow();
        foreach (var expired in faults.Values.Where(f => f.For is { } lasts && now - f.AddedAt >= lasts).ToList())
        {
            faults.Remove(expired.Id);
        }

        return faults.Values;
    }

    public async Task SetPropagationAsync(PropagationSettingsText settings)
    {
        propagation = settings;
        await KeepAsync();
        await EveryProcessAsync(replica => replica.SettingsChangedAsync(settings), "the propagation settings");
    }

    public Task FlushAsync() => EveryProcessAsync(async replica => await replica.FlushAsync(), "a flush");

    /// <summary>Tells every process, at once, and waits for each; one that does not answer within 10 s is logged and left to membership.</summary>
    private Task EveryProcessAsync(Func<IReplicaObserver, Task> tell, string what, TimeSpan? patience = null) =>
        Task.WhenAll(processes.Values.Where(p => p.Replica is not null).Select(async p =>
        {
            try
            {
                await tell(p.Replica!).WaitAsync(patience ?? TimeSpan.FromSeconds(10));
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
                // A process that does not answer is dead or about to be declared so: membership drops it.
                log.LogWarning(error, "Process {Silo} did not take {What}", p.Silo, what);
            }
        }));

    public Task<ImmutableArray<ProcessRecord>> ProcessesAsync()
    {
        ForgetDeparted();
        return Task.FromResult(processes.Values.OrderBy(p => p.Silo, StringComparer.Ordinal).ToImmutableArray());
    }

    /// <summary>
    /// Drops processes read back from Redis that cannot be reached (refused, or declared dead; one that is only slow stays):
    /// after every process of a cluster was killed, membership still lists them as active until a new silo has declared
    /// them dead, and a joiner would wait on them.
    /// </summary>
    private async Task ForgetSilentAsync()
    {
        var asked = processes.Values.Where(p => unconfirmed.Contains(p.Silo) && p.Replica is not null).ToList();
        var answers = await Task.WhenAll(asked.Select(async p =>
        {
            try
            {
                await p.Replica!.PingAsync().WaitAsync(TimeSpan.FromSeconds(2));
                return (p.Silo, Alive: true);
            }
            catch (TimeoutException)
            {
                // Slow is not dead: a live process must never be dropped (a new world would be started over its records).
                return (p.Silo, Alive: true);
            }
            catch (OrleansException)
            {
                // Refused or declared dead: gone.
                return (p.Silo, Alive: false);
            }
        }));
        foreach (var (silo, alive) in answers)
        {
            unconfirmed.Remove(silo);
            if (!alive)
            {
                processes.Remove(silo);
            }
        }
    }

    /// <summary>
    /// With <c>--state</c>, writes the record before anyone hears of a change to it. A write that fails fails the call, and
    /// the grain starts again from what Redis holds (its memory is ahead of it).
    /// </summary>
    private async Task KeepAsync()
    {
        if (record is null)
        {
            return;
        }

        try
        {
            await record.WriteAsync(new WorldRecord
            {
                Settings = settings, SettingsFrom = settingsFrom, Propagation = propagation, Generation = generation, Secret = secret,
                FaultNumber = faultNumber, Processes = [.. processes.Values], Faults = [.. faults.Values], ClientNumber = clientNumber,
            });
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Drops processes whose silo membership has declared dead or that are leaving; silos it does not know yet stay.</summary>
    private void ForgetDeparted()
    {
        var members = membership.CurrentSnapshot.Members;
        foreach (var silo in processes.Keys.ToList())
        {
            if (members.TryGetValue(SiloAddress.FromParsableString(silo), out var member) && member.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead)
            {
                processes.Remove(silo);
            }
        }
    }
}

/// <summary>The world grain's record, as kept in Redis with <c>--state</c>.</summary>
[GenerateSerializer]
internal sealed class WorldRecord
{
    [Id(0)] public StartSettings? Settings { get; init; }

    [Id(1)] public string? SettingsFrom { get; init; }

    [Id(2)] public PropagationSettingsText? Propagation { get; init; }

    [Id(3)] public long Generation { get; init; }

    [Id(4)] public byte[]? Secret { get; init; }

    [Id(5)] public int FaultNumber { get; init; }

    [Id(6)] public List<ProcessRecord> Processes { get; init; } = [];

    [Id(7)] public List<ClusterFault> Faults { get; init; } = [];

    [Id(8)] public int ClientNumber { get; init; }
}
