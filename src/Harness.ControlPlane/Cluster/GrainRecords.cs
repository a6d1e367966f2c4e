using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using StackExchange.Redis;

namespace Harness.ControlPlane.Cluster;

/// <summary>
/// Grain state in Redis, for a cluster started with <c>--state redis://…</c>: Orleans' Redis grain storage, one record per
/// grain under <c>harness/CLUSTER/state/GRAIN-KEY/STATE</c>. A grain reads its record when it activates and writes it
/// before any of its changes leave it (<see cref="Grains.ReplicaFlushFilter"/>), so what another process or a client has
/// seen is in Redis first. With state in memory (the default, and always for a harness alone) there is no record at all.
/// </summary>
public sealed class GrainRecords(IServiceProvider services, ClusterMode mode, ILogger<GrainRecords> log)
{
    /// <summary>The name the storage provider is registered under.</summary>
    public const string StorageName = "harness";

    private IGrainStorage? storage;

    /// <summary>Where a cluster's records start: grain keys begin with their world's number, so a world's records share a prefix.</summary>
    public static string KeyPrefix(string clusterId) => $"{ClusterSettings.ServiceId}/{clusterId}/state/";

    /// <summary>The Redis key of one grain's record (the provider's <c>GetStorageKey</c>).</summary>
    public static RedisKey Key(string clusterId, string stateName, GrainId grain) => $"{KeyPrefix(clusterId)}{grain.Key}/{stateName}";

    /// <summary>The record of <paramref name="grain"/>, or null when state is in memory.</summary>
    internal GrainRecord<T>? For<T>(IGrainBase grain)
        where T : class =>
        mode.IsDurable ? new GrainRecord<T>(Storage, grain.GrainContext.GrainId, typeof(T).Name) : null;

    private IGrainStorage Storage => storage ??= services.GetRequiredKeyedService<IGrainStorage>(StorageName);

    /// <summary>
    /// Deletes the records of world <paramref name="generation"/> (after a reset, or when a cluster starts afresh over an
    /// older one): nothing reads them any more. In the background; a failure is logged, and costs only Redis memory.
    /// </summary>
    internal void Forget(long generation)
    {
        if (mode.StateStore is not { } url)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(url.ToConfiguration());
                var database = connection.GetDatabase();
                var pattern = $"{KeyPrefix(mode.ClusterId)}{generation}/*";
                var batch = new List<RedisKey>(1000);
                foreach (var server in connection.GetServers())
                {
                    await foreach (var key in server.KeysAsync(url.Database, pattern, pageSize: 1000))
                    {
                        batch.Add(key);
                        if (batch.Count == 1000)
                        {
                            await database.KeyDeleteAsync([.. batch]);
                            batch.Clear();
                        }
                    }
                }

                if (batch.Count > 0)
                {
                    await database.KeyDeleteAsync([.. batch]);
                }
            }
            catch (Exception error) when (error is RedisException or TimeoutException)
            {
                log.LogWarning(error, "The records of world {Generation} stay in Redis", generation);
            }
        });
    }
}

/// <summary>One grain's record in Redis, with the ETag that makes a second activation of the same grain fail its write.</summary>
internal sealed class GrainRecord<T>(IGrainStorage storage, GrainId grain, string name)
    where T : class
{
    private readonly GrainState<T> record = new();

    /// <summary>The state last written, or null if there is none.</summary>
    public async Task<T?> ReadAsync()
    {
        await storage.ReadStateAsync(name, grain, record);
        return record.RecordExists ? record.State : null;
    }

    /// <summary>Writes <paramref name="state"/>, or deletes the record when it is null (a token that expired).</summary>
    public Task WriteAsync(T? state)
    {
        if (state is not null)
        {
            record.State = state;
            return storage.WriteStateAsync(name, grain, record);
        }

        return record.RecordExists || record.ETag is not null ? storage.ClearStateAsync(name, grain, record) : Task.CompletedTask;
    }
}
