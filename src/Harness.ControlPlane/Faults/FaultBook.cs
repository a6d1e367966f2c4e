using Harness.ControlPlane.Metadata;
using Harness.Domain.Faults;

namespace Harness.ControlPlane.Faults;

/// <summary>
/// The faults in force and what they did. Adding and clearing are rare and take a lock; the metadata service and the
/// EC2 facade read immutable snapshots (<see cref="Metadata"/>, <see cref="Ec2"/>) on every request without one, and an
/// empty snapshot costs them a length check. A fault with <c>for=</c> expires on the harness clock.
/// </summary>
public sealed class FaultBook : IDisposable
{
    private readonly Lock gate = new();
    private readonly HarnessOptions options;
    private readonly TimeProvider time;
    private readonly List<ActiveFault> faults = [];
    private readonly TimelineLog<FaultEvent> log;
    private volatile ActiveFault[] metadata = [];
    private volatile ActiveFault[] ec2 = [];
    private long sequence;
    private int nextId;

    public FaultBook(HarnessOptions options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        log = new TimelineLog<FaultEvent>(options.TimelineCapacity);
        AddStartupFaults();
    }

    /// <summary>A fault was cleared or expired; held metadata changes it covered may go on their way.</summary>
    public event Action<ActiveFault>? Ended;

    /// <summary>The metadata faults in force, oldest first.</summary>
    public ActiveFault[] Metadata => metadata;

    /// <summary>The EC2 API faults in force, oldest first.</summary>
    public ActiveFault[] Ec2 => ec2;

    public TimeProvider Time => time;

    public IReadOnlyList<ActiveFault> All
    {
        get
        {
            lock (gate)
            {
                return [.. faults];
            }
        }
    }

    /// <summary>Puts a fault in force; null, with the reason, when its name is taken.</summary>
    public ActiveFault? Add(FaultSpec spec, string? name, string source, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (gate)
        {
            if (!string.IsNullOrEmpty(name) && faults.Any(f => f.Name == name || f.Id == name))
            {
                problem = $"A fault named '{name}' is already in force; clear it first or choose another name.";
                return null;
            }

            // An unnamed fault is named by its id, which must not be a name someone chose.
            string id;
            do
            {
                id = $"fault-{++nextId}";
            }
            while (faults.Any(f => f.Name == id || f.Id == id));

            problem = null;
            return Put(id, string.IsNullOrEmpty(name) ? id : name, spec, source, spec.For);
        }
    }

    /// <summary>
    /// Puts in force a fault a cluster's world grain numbered (the same id on every process), lasting
    /// <paramref name="lasts"/> from now (what is left of its <c>for=</c>). The fault itself if it is already in force;
    /// null if its name or id is another fault's here.
    /// </summary>
    public ActiveFault? AddAs(string id, string name, FaultSpec spec, string source, TimeSpan? lasts)
    {
        lock (gate)
        {
            if (faults.FirstOrDefault(f => f.Id == id) is { } already)
            {
                return already.Name == name ? already : null;
            }

            if (faults.Any(f => f.Name == name || f.Id == name || f.Name == id))
            {
                return null;
            }

            if (id.StartsWith("fault-", StringComparison.Ordinal) && int.TryParse(id.AsSpan(6), out var number))
            {
                nextId = Math.Max(nextId, number);
            }

            return Put(id, name, spec, source, lasts);
        }
    }

    /// <summary>The highest fault number given out here: a world grain that lost its count starts past it.</summary>
    public int LastNumber
    {
        get
        {
            lock (gate)
            {
                return nextId;
            }
        }
    }

    /// <summary>Adds the fault and starts its expiry. Called under the lock.</summary>
    private ActiveFault Put(string id, string name, FaultSpec spec, string source, TimeSpan? lasts)
    {
        var now = time.GetUtcNow();
        var fault = new ActiveFault(id, name, spec, source, now, spec.Seed ?? options.Seed);
        faults.Add(fault);
        if (lasts is { } remaining)
        {
            // The very fault, not its id: after a reset a new fault may carry the same id.
            fault.Expiry = time.CreateTimer(_ => End(fault, "expired"), null, remaining, Timeout.InfiniteTimeSpan);
        }

        Publish();
        Append(fault, "added", null, null, null, spec.ToString());
        return fault;
    }

    public bool TryGet(string idOrName, out ActiveFault? fault)
    {
        lock (gate)
        {
            fault = Find(idOrName);
            return fault is not null;
        }
    }

    /// <summary>Clears a fault by id or name; false when none is in force.</summary>
    public bool Remove(string idOrName)
    {
        ActiveFault? fault;
        lock (gate)
        {
            fault = Find(idOrName);
        }

        return fault is not null && End(fault, "cleared");
    }

    /// <summary>Ends this very fault (cleared or expired); false when it is no longer in force.</summary>
    private bool End(ActiveFault fault, string why)
    {
        lock (gate)
        {
            if (!faults.Remove(fault))
            {
                return false;
            }

            fault.Expiry?.Dispose();
            Publish();
            Append(fault, why, null, null, null, null);
        }

        Ended?.Invoke(fault);
        return true;
    }

    /// <summary>Notes that <paramref name="fault"/> touched a request or a change.</summary>
    public void Touched(ActiveFault fault, string channel, string? instanceId, string? target, string detail)
    {
        fault.CountTouch();
        lock (gate)
        {
            Append(fault, "touched", channel, instanceId, target, detail);
        }
    }

    /// <summary>The fault timeline after <paramref name="after"/>, oldest first, optionally about one instance.</summary>
    public FaultEventPage Events(long after, int limit, string? instanceId = null)
    {
        lock (gate)
        {
            var events = log.After(after)
                .Where(e => instanceId is null || e.InstanceId is null || e.InstanceId == instanceId)
                .Take(limit)
                .ToList();
            return new FaultEventPage(events, sequence, log.Dropped);
        }
    }

    /// <summary>Clears every fault and the timeline, then puts the harness's start-up faults back in force.</summary>
    public void Reset()
    {
        lock (gate)
        {
            StopTimers();
            faults.Clear();
            log.Clear();
            sequence = 0;
            nextId = 0;
            Publish();
        }

        AddStartupFaults();
    }

    public void Dispose()
    {
        lock (gate)
        {
            StopTimers();
        }
    }

    /// <summary>The fault with this id, else the one with this name. Called under the lock.</summary>
    private ActiveFault? Find(string idOrName) => faults.FirstOrDefault(f => f.Id == idOrName) ?? faults.FirstOrDefault(f => f.Name == idOrName);

    /// <summary>Stops every expiry timer. Called under the lock.</summary>
    private void StopTimers()
    {
        foreach (var fault in faults)
        {
            fault.Expiry?.Dispose();
        }
    }

    private void AddStartupFaults()
    {
        foreach (var spec in options.Faults)
        {
            Add(spec, null, "serve", out _);
        }
    }

    private void Publish()
    {
        metadata = [.. faults.Where(f => f.Spec.IsMetadata)];
        ec2 = [.. faults.Where(f => !f.Spec.IsMetadata)];
    }

    private void Append(ActiveFault fault, string what, string? channel, string? instanceId, string? target, string? detail) =>
        log.Add(new FaultEvent(++sequence, time.GetUtcNow(), fault.Id, fault.Name, fault.Spec.Kind, what, channel, instanceId, target, detail));
}

/// <param name="LastSequence">The newest sequence number given out; poll with it as <c>after</c>.</param>
public sealed record FaultEventPage(IReadOnlyList<FaultEvent> Events, long LastSequence, long Dropped);
