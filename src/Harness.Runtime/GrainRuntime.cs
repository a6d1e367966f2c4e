using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Harness.Runtime;

/// <summary>
/// The in-process silo: maps grain interfaces to classes, activates a grain on its first call and routes calls
/// to its activation's mailbox. References are only (interface, key): after <see cref="DeactivateAll"/> they
/// reach a fresh activation, as Orleans references do.
/// </summary>
public sealed partial class GrainRuntime : IGrainFactory
{
    private readonly IServiceProvider services;
    private readonly GrainRegistry registry;
    private readonly ILogger<GrainRuntime> logger;
    private readonly ConcurrentDictionary<Type, ConcurrentDictionary<string, Lazy<GrainActivation>>> activations = new();

    public GrainRuntime(IServiceProvider services, GrainRegistry registry, TimeProvider timeProvider, ILogger<GrainRuntime> logger)
    {
        this.services = services;
        this.registry = registry;
        this.logger = logger;
        TimeProvider = timeProvider;
    }

    public TimeProvider TimeProvider { get; }

    public int ActivationCount => activations.Values.Sum(byKey => byKey.Count);

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return GrainProxy.Create<TGrainInterface>(this, key);
    }

    /// <summary>Drops every activation; the next call to any key activates a fresh grain.</summary>
    public void DeactivateAll()
    {
        foreach (var byKey in activations.Values)
        {
            foreach (var key in byKey.Keys)
            {
                if (byKey.TryRemove(key, out var activation) && activation.IsValueCreated)
                {
                    activation.Value.Deactivate();
                }
            }
        }
    }

    internal GrainActivation GetActivation(Type grainInterface, string key)
    {
        var byKey = activations.GetOrAdd(grainInterface, static _ => new ConcurrentDictionary<string, Lazy<GrainActivation>>(StringComparer.Ordinal));
        if (byKey.TryGetValue(key, out var existing))
        {
            return existing.Value;
        }

        // GetOrAdd's factory may run twice under a race; only the Lazy that wins is ever built into a grain.
        return byKey.GetOrAdd(key, k => new Lazy<GrainActivation>(() => Activate(grainInterface, k))).Value;
    }

    /// <summary>Drops an activation whose activation failed, so the next call builds a fresh one.</summary>
    internal void Forget(GrainActivation activation)
    {
        foreach (var byKey in activations.Values)
        {
            if (byKey.TryGetValue(activation.Key, out var entry) && entry.IsValueCreated && ReferenceEquals(entry.Value, activation))
            {
                byKey.TryRemove(new KeyValuePair<string, Lazy<GrainActivation>>(activation.Key, entry));
            }
        }
    }

    internal void ReportTimerFailure(string key, Exception error) => LogTimerFailed(logger, key, error);

    private GrainActivation Activate(Type grainInterface, string key)
    {
        var grainClass = registry.Resolve(grainInterface);
        var instance = (Grain)ActivatorUtilities.CreateInstance(services, grainClass);
        return new GrainActivation(this, key, instance);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Timer of grain {Key} failed")]
    private static partial void LogTimerFailed(ILogger logger, string key, Exception error);
}
