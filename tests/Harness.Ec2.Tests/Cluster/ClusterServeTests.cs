using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Harness.Ec2.Tests.Hardening;
using Xunit.Abstractions;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// <c>serve --cluster redis://…</c> as processes on one Redis: they form one Orleans cluster, each lists every silo with
/// its EC2 endpoint, a process with other start settings is refused, a killed one is declared dead and a restart on its
/// ports rejoins. What is not shared yet is said by the cluster report.
/// </summary>
public sealed class ClusterServeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task TwoProcesses_EachListsBothAsActive_WithTheirEndpoints_AndSaysWhatIsNotSharedYet()
    {
        var a = await StartAsync("blue");
        var b = await StartAsync("blue");

        foreach (var process in new[] { a, b })
        {
            using var report = await ServeCluster.WaitForAsync(process, r => Active(r).Count == 2);
            var root = report.RootElement;
            Assert.Equal("blue", root.GetProperty("clusterId").GetString());
            Assert.Equal(Endpoint(process), root.GetProperty("self").GetProperty("ec2Endpoint").GetString());
            Assert.Equal(process.ImdsPort, root.GetProperty("self").GetProperty("imdsPort").GetInt32());
            Assert.Equal(Sorted(Endpoint(a), Endpoint(b)), Sorted([.. Active(report).Values]));
            Assert.Equal("memory", root.GetProperty("state").GetString());
            Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("per process still:", StringComparison.Ordinal));
        }

        Assert.Contains("cluster:      'blue' in " + cluster.Redis.Url + "/0", b.Banner, StringComparison.Ordinal);
        Assert.Contains("; 2 silos active", b.Banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoClusterIdsOnOneRedis_AreTwoClusters()
    {
        var blue = await StartAsync("blue");
        var green = await StartAsync("green");

        // Give membership time to mix them up if it were going to: three table refreshes.
        await Task.Delay(TimeSpan.FromSeconds(6));

        foreach (var (process, id) in new[] { (blue, "blue"), (green, "green") })
        {
            using var report = await ServeCluster.ReportAsync(process);
            Assert.Equal(id, report.RootElement.GetProperty("clusterId").GetString());
            Assert.Equal([Endpoint(process)], Active(report).Values.ToArray());
        }
    }

    [Fact]
    public async Task AProcessWithAnotherSeed_IsRefusedInOneLine_AndTheClusterKeepsTheFirst()
    {
        var first = await StartAsync("blue", "--seed", "1");

        var refused = await Assert.ThrowsAsync<ServeFailedException>(() => ServeProcess.StartAsync(cluster.Args("blue", "--seed", "2")));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(
            "harness could not start: cluster 'blue' refused this process: --seed is '2' here but '1' in the cluster (set by the process at " + Endpoint(first) + ")",
            refused.Errors, StringComparison.Ordinal);
        using var report = await ServeCluster.WaitForAsync(first, r => Active(r).Count == 1);
        Assert.Equal([Endpoint(first)], Active(report).Values.ToArray());
    }

    [Fact]
    public async Task ARedisThatIsNotThere_OrASiloPortInUse_StopsTheStartInOneLine()
    {
        var port = ServeProcess.FreePort();
        var noRedis = await Assert.ThrowsAsync<ServeFailedException>(() => ServeProcess.StartAsync(
            "--cluster", $"redis://127.0.0.1:{port}", "--silo-port", $"{ServeProcess.FreePort()}", "--gateway-port", $"{ServeProcess.FreePort()}"));
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var portInUse = await Assert.ThrowsAsync<ServeFailedException>(() => ServeProcess.StartAsync(
            "--cluster", cluster.Redis.Url, "--silo-port", $"{takenPort}", "--gateway-port", $"{ServeProcess.FreePort()}"));

        Assert.Equal(1, noRedis.ExitCode);
        Assert.Equal($"harness could not start: cannot reach the cluster's Redis at redis://127.0.0.1:{port}/0: nothing answered there", noRedis.Errors.Trim());
        Assert.Equal(1, portInUse.ExitCode);
        Assert.StartsWith($"harness could not start: --silo-port {takenPort} is not free", portInUse.Errors.Trim(), StringComparison.Ordinal);
        Assert.Single(portInUse.Errors.Trim().Split('\n'));
    }

    [Fact]
    public async Task AProcessKilledWithKill9_IsDeclaredDeadByTheOthers_AndARestartOnItsPortsRejoins()
    {
        var (ec2Port, imdsPort, siloPort, gatewayPort) = (ServeProcess.FreePort(), ServeProcess.FreePort(), ServeProcess.FreePort(), ServeProcess.FreePort());
        string[] victimArgs = ["--cluster", cluster.Redis.Url, "--cluster-id", "blue", "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}"];
        var victim = await Track(ServeProcess.StartAsync(null, ec2Port, imdsPort, victimArgs));
        var b = await StartAsync("blue");
        var c = await StartAsync("blue");
        using (await ServeCluster.WaitForAsync(b, r => Active(r).Count == 3))
        using (await ServeCluster.WaitForAsync(c, r => Active(r).Count == 3))
        {
        }

        var oldSilo = (await ServeCluster.ReportAsync(victim)).RootElement.GetProperty("self").GetProperty("silo").GetString();
        var clock = Stopwatch.StartNew();
        await victim.KillAsync();
        foreach (var survivor in new[] { b, c })
        {
            using var report = await ServeCluster.WaitForAsync(survivor, r => Status(r, oldSilo!) == "dead");
            Assert.Equal(Sorted(Endpoint(b), Endpoint(c)), Sorted([.. Active(report).Values]));
        }

        output.WriteLine($"both survivors saw the killed process dead after {clock.Elapsed.TotalSeconds:F1} s");
        var restarted = await Track(ServeProcess.StartAsync(null, ec2Port, imdsPort, victimArgs));
        using var after = await ServeCluster.WaitForAsync(b, r => Active(r).Count == 3);

        Assert.Contains(Endpoint(restarted), Active(after).Values);
        Assert.Equal("dead", Status(after, oldSilo!));
    }

    private Task<ServeProcess> StartAsync(string clusterId, params string[] more) => cluster.StartAsync(clusterId, more);

    private Task<ServeProcess> Track(Task<ServeProcess> starting) => cluster.Track(starting);

    private static string[] Sorted(params string[] endpoints) => [.. endpoints.Order(StringComparer.Ordinal)];

    private static string Endpoint(ServeProcess process) => process.Ec2Url.GetLeftPart(UriPartial.Authority);

    /// <summary>Active silos to their EC2 endpoints.</summary>
    private static Dictionary<string, string> Active(JsonDocument report) =>
        report.RootElement.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "active")
            .ToDictionary(s => s.GetProperty("silo").GetString()!, s => s.GetProperty("ec2Endpoint").GetString() ?? "(none)");

    private static string? Status(JsonDocument report, string silo) =>
        report.RootElement.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("silo").GetString() == silo)
            .Select(s => s.GetProperty("status").GetString())
            .FirstOrDefault();
}
