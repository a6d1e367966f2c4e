using System.Diagnostics;
using System.Text.Json;
using Harness.Ec2.Tests.Hardening;
using Harness.Testing;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>A redis-server and the <c>serve --cluster</c> processes a test starts on it, all stopped on dispose.</summary>
internal sealed class ServeCluster : IAsyncDisposable
{
    private readonly List<ServeProcess> processes = [];

    private ServeCluster(RedisServer redis) => Redis = redis;

    public RedisServer Redis { get; }

    public static async Task<ServeCluster> StartAsync() => new(await RedisServer.StartAsync());

    /// <summary>Arguments that put a process in cluster <paramref name="clusterId"/> on free silo and gateway ports.</summary>
    public string[] Args(string clusterId, params string[] more) =>
        ["--cluster", Redis.Url, "--cluster-id", clusterId, "--silo-port", $"{ServeProcess.FreePort()}", "--gateway-port", $"{ServeProcess.FreePort()}", .. more];

    public Task<ServeProcess> StartAsync(string clusterId, params string[] more) => Track(ServeProcess.StartAsync(Args(clusterId, more)));

    /// <summary>Starts a process and stops it with the others.</summary>
    public async Task<ServeProcess> Track(Task<ServeProcess> starting)
    {
        var process = await starting;
        processes.Add(process);
        return process;
    }

    /// <summary>The process's <c>GET /_harness/cluster</c>.</summary>
    public static async Task<JsonDocument> ReportAsync(ServeProcess process)
    {
        using var http = new HttpClient { BaseAddress = process.Ec2Url, Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync("/_harness/cluster"));
    }

    /// <summary>
    /// Polls the process's cluster report until <paramref name="done"/> holds; fails after 30 s (generous: membership
    /// declares a killed process in 1-2 s here; the bound only stops a hang).
    /// </summary>
    public static async Task<JsonDocument> WaitForAsync(ServeProcess process, Func<JsonDocument, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var report = await ReportAsync(process);
            if (done(report))
            {
                return report;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"the cluster report never got there: {report.RootElement}\n{process.Errors}");
            }

            report.Dispose();
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}
