using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Harness.ControlPlane;
using Harness.ControlPlane.Regions;
using Harness.Domain.Delays;

namespace Harness.Ecs.Protocol;

/// <summary>
/// Where Alibaba is asynchronous, the grains change at once and this says for how long the API still shows the
/// resource in its transitional state, and what it showed before a delete (ALIBABA.md §3: Attaching → InUse, Detaching →
/// Available, Deleting → gone, Pending/Starting → Running, Stopping → Stopped). Calls that need the final state
/// meanwhile get Alibaba's state errors. Kept per region of the current world: a reset leaves them behind with it.
/// </summary>
/// <remarks>In a cluster each process keeps its own (the grains' state is the cluster's); docs/alibaba.md says so.</remarks>
public sealed class Transitions(EcsOptions options, HarnessOptions harness, TimeProvider time)
{
    private readonly ConditionalWeakTable<RegionState, ConcurrentDictionary<string, Transition>> regions = [];

    /// <summary>How many transitions each resource has begun: the index of its next draw, so draws do not depend on other resources.</summary>
    private readonly ConditionalWeakTable<RegionState, ConcurrentDictionary<string, long>> counts = [];

    private const int SweepEvery = 1024;

    private long begun;

    /// <summary>Puts <paramref name="resourceId"/> in <paramref name="status"/> for a drawn delay; <paramref name="ghost"/> is what a deleted resource still shows.</summary>
    public Transition Begin(RegionState region, string resourceId, string status, object? ghost = null)
    {
        var index = counts.GetOrCreateValue(region).AddOrUpdate(resourceId, 1, (_, n) => n + 1);
        var delay = options.Transition.Sample(SeededRandom.For(harness.Seed, "ecs-transition:" + resourceId, index)) ?? DelayModel.MaxDuration;
        var now = time.GetUtcNow();
        var transition = new Transition(status, now + delay, ghost);
        var table = regions.GetOrCreateValue(region);
        table[resourceId] = transition;
        if (Interlocked.Increment(ref begun) % SweepEvery == 0)
        {
            Sweep(region, table, now);
        }

        return transition;
    }

    /// <summary>
    /// Changes <paramref name="resourceId"/> through <paramref name="change"/> (a grain call) and then shows it in
    /// <paramref name="status"/> for a drawn delay. The resource is claimed first, atomically: a second change that comes
    /// while one is in flight or in transition gets <paramref name="busy"/>, so two requests at once can never both pass
    /// a state check. While the grain call runs the resource already shows <paramref name="status"/>; if it fails, the
    /// claim goes and the resource shows what it did before.
    /// </summary>
    public async Task ChangeAsync(RegionState region, string resourceId, string status, Func<Task> change, Func<Exception> busy, object? ghost = null)
    {
        var table = regions.GetOrCreateValue(region);
        var claim = new Transition(status, DateTimeOffset.MaxValue, ghost);
        while (true)
        {
            if (table.TryGetValue(resourceId, out var existing))
            {
                if (time.GetUtcNow() < existing.Until)
                {
                    throw busy();
                }

                if (table.TryUpdate(resourceId, claim, existing))
                {
                    break;
                }
            }
            else if (table.TryAdd(resourceId, claim))
            {
                break;
            }
        }

        try
        {
            await change();
        }
        catch
        {
            table.TryRemove(KeyValuePair.Create(resourceId, claim));
            throw;
        }

        Begin(region, resourceId, status, ghost);
    }

    /// <summary>The transitional state <paramref name="resourceId"/> is in now, or null when it has settled (or never moved).</summary>
    public Transition? Current(RegionState region, string resourceId)
    {
        if (!regions.TryGetValue(region, out var table) || !table.TryGetValue(resourceId, out var transition))
        {
            return null;
        }

        if (time.GetUtcNow() < transition.Until)
        {
            return transition;
        }

        table.TryRemove(KeyValuePair.Create(resourceId, transition));
        return null;
    }

    /// <summary>
    /// Forgets settled transitions, and the draw count of resources that are gone (a deleted ENI's id is never given again),
    /// so a long run of churn does not grow without bound. Every <see cref="SweepEvery"/> transitions begun.
    /// </summary>
    private void Sweep(RegionState region, ConcurrentDictionary<string, Transition> table, DateTimeOffset now)
    {
        var counted = counts.GetOrCreateValue(region);
        foreach (var (id, transition) in table)
        {
            if (now >= transition.Until && table.TryRemove(KeyValuePair.Create(id, transition))
                && !region.NetworkInterfaces.ContainsKey(id) && !region.Instances.ContainsKey(id) && !region.Addresses.ContainsKey(id))
            {
                counted.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Deleted resources still shown while they are being deleted, of one kind.</summary>
    public IEnumerable<T> Ghosts<T>(RegionState region)
    {
        if (!regions.TryGetValue(region, out var table))
        {
            return [];
        }

        var now = time.GetUtcNow();
        return table.Values.Where(t => now < t.Until).Select(t => t.Ghost).OfType<T>();
    }
}

/// <summary>A transitional <paramref name="Status"/> shown until <paramref name="Until"/>.</summary>
public sealed record Transition(string Status, DateTimeOffset Until, object? Ghost);
