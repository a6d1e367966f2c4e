using Microsoft.Extensions.DependencyInjection;

namespace Harness.Runtime.Tests;

/// <summary>A grain runtime wired as the host wires it, on fake time, with per-test singletons for probes.</summary>
public sealed class GrainTestHost : IAsyncDisposable
{
    /// <summary>Bounds every wait in these tests; it only turns a hang into a failure, nothing waits for it to pass.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider services;

    public GrainTestHost(Action<GrainRegistry> grains, params object[] singletons)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<TimeProvider>(Time);
        foreach (var singleton in singletons)
        {
            collection.AddSingleton(singleton.GetType(), singleton);
        }

        collection.AddGrainRuntime(grains);
        services = collection.BuildServiceProvider();
        Runtime = services.GetRequiredService<GrainRuntime>();
        Grains = services.GetRequiredService<IGrainFactory>();
    }

    public VirtualTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public GrainRuntime Runtime { get; }

    public IGrainFactory Grains { get; }

    public TGrain Get<TGrain>(string key)
        where TGrain : IGrainWithStringKey => Grains.GetGrain<TGrain>(key);

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>Named gates a test opens and grains wait on, and signals grains raise and tests wait on.</summary>
public sealed class Gates
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> gates = new();

    public Task this[string name] => Get(name).Task;

    public void Open(string name) => Get(name).TrySetResult();

    public bool IsOpen(string name) => Get(name).Task.IsCompleted;

    private TaskCompletionSource Get(string name) =>
        gates.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
