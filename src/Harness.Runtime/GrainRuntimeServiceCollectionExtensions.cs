using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Harness.Runtime;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>Adds the in-process grain runtime; <paramref name="configure"/> registers grain classes.</summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRegistry> configure)
    {
        var registry = new GrainRegistry();
        configure(registry);
        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        return services;
    }
}
