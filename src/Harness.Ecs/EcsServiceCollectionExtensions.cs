using Harness.Ecs.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Harness.Ecs;

public static class EcsServiceCollectionExtensions
{
    /// <summary>What the ECS port's handler needs beside the control plane.</summary>
    public static IServiceCollection AddEcsApi(this IServiceCollection services, EcsOptions options) =>
        services.AddSingleton(options).AddSingleton<Transitions>();
}
