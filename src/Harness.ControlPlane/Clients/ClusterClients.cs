using System.Collections.Immutable;
using Harness.ControlPlane.Cluster;
using Microsoft.Extensions.Logging;

namespace Harness.ControlPlane.Clients;

/// <summary>
/// <c>/_harness/clients</c> for a harness alone or a cluster. A client is registered on the process that was asked, and
/// its traffic is recorded there (its endpoints are that process's); in a cluster the world grain numbers it, so that its
/// id names it in the whole cluster, and any process lists it, shows its records, marks its end or unregisters it by
/// asking the process it is registered on.
/// </summary>
public sealed class ClusterClients(
    ClientTaps taps, IClientCards cards, ClusterReplicas replicas, ClusterMode mode, IGrainFactory grains, ILogger<ClusterClients> log)
{
    /// <summary>How long a process waits for another's answer about its clients.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Registers a client on this process; null when the instance has no metadata here.</summary>
    public async Task<ClientCard?> RegisterAsync(string name, string instanceId, string origin)
    {
        int? number = mode.IsCluster ? await grains.GetGrain<IWorldGrain>(IWorldGrain.Key).NextClientNumberAsync() : null;
        return taps.Register(name, instanceId, number) is { } tap ? cards.Card(tap, origin) : null;
    }

    /// <summary>Every client of the harness (of every process that answers, in a cluster), in the order they were numbered.</summary>
    public async Task<ImmutableArray<ClientCard>> AllAsync(string origin)
    {
        var all = taps.All.Select(t => cards.Card(t, origin)).ToList();
        foreach (var answer in await AskOthersAsync(o => o.ClientsAsync(), "its clients"))
        {
            all.AddRange(answer.IsDefault ? [] : answer);
        }

        return [.. all.OrderBy(c => Number(c.Id))];
    }

    public async Task<ClientRecords?> GetAsync(string clientId, string origin) =>
        taps.TryGet(clientId, out var tap)
            ? ClusterReplicas.Records(tap, cards.Card(tap, origin))
            : (await AskOthersAsync(o => o.ClientAsync(clientId), "a client")).FirstOrDefault(r => r is not null);

    public async Task<ClientCard?> EndAsync(string clientId, string origin)
    {
        if (taps.TryGet(clientId, out var tap))
        {
            tap.End(taps.Time.GetUtcNow());
            return cards.Card(tap, origin);
        }

        return (await AskOthersAsync(o => o.EndClientAsync(clientId), "a client's end")).FirstOrDefault(c => c is not null);
    }

    public async Task<bool> RemoveAsync(string clientId) =>
        taps.Remove(clientId) || (await AskOthersAsync(o => o.RemoveClientAsync(clientId), "a client's removal")).Any(removed => removed);

    /// <summary>Asks every other live process at once; one that does not answer is logged and left out (membership drops it).</summary>
    private async Task<List<T>> AskOthersAsync<T>(Func<IReplicaObserver, Task<T>> ask, string what)
    {
        if (!mode.IsCluster)
        {
            return [];
        }

        var answers = await Task.WhenAll(replicas.LiveOthers().Select(async other =>
        {
            try
            {
                return (Done: true, Value: await ask(other).WaitAsync(Patience));
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
                log.LogWarning(error, "A process did not answer about {What}", what);
                return (Done: false, Value: default(T)!);
            }
        }));
        return [.. answers.Where(a => a.Done).Select(a => a.Value)];
    }

    private static int Number(string clientId) =>
        int.TryParse(clientId.AsSpan(ClientTaps.IdPrefix.Length), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
