using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Harness.Ec2.Tests.Hardening;
using Xunit.Abstractions;

namespace Harness.Ec2.Tests.Cluster;

/// <summary>
/// <c>--state redis://…</c>: grain state in Redis. Three processes, addresses moved between interfaces through all of
/// them, and the process holding the subnet's grain killed with kill -9 in the middle: no acknowledged move is lost, every
/// address is on exactly one interface as both survivors see it, every failed request failed with a 5xx or a refused
/// connection (none hung), the survivors answer for every interface again within 10 s, a pending metadata change still
/// shows, and the process restarted on its ports rejoins and reads the same world.
/// </summary>
public sealed class ClusterDurableStateTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Workers = 6;
    private const int AddressesPerWorker = 4;
    private const int Interfaces = 6;

    private ServeCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await ServeCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AProcessKilledMidChurn_LosesNoAcknowledgedMove_AndTheSurvivorsAnswerForEveryInterfaceWithin10s()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Ec2: ServeProcess.FreePort(), Imds: ServeProcess.FreePort(), Args: Args())).ToArray();
        var processes = new List<ServeProcess>();
        foreach (var port in ports)
        {
            processes.Add(await cluster.Track(ServeProcess.StartAsync(null, port.Ec2, port.Imds, port.Args)));
        }

        (await ServeCluster.WaitForAsync(processes[0], r => Active(r) == 3)).Dispose();
        var clients = processes.Select(p => ClusterEc2.Client(p, TimeSpan.FromSeconds(20))).ToArray();
        using (var first = await ServeCluster.ReportAsync(processes[0]))
        {
            Assert.Equal("redis", first.RootElement.GetProperty("state").GetString());
        }

        // A subnet, interfaces created through every process (so grains spread), each worker's addresses on interface 0.
        var ec2 = clients[0];
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.21.0.0/16" })).Vpc.VpcId;
        var subnet = (await ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc, CidrBlock = "10.21.1.0/24" })).Subnet.SubnetId;
        var enis = new string[Interfaces];
        for (var i = 0; i < Interfaces; i++)
        {
            enis[i] = (await clients[i % 3].CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = subnet })).NetworkInterface.NetworkInterfaceId;
        }

        var addresses = Enumerable.Range(0, Workers * AddressesPerWorker).Select(i => $"10.21.1.{100 + i}").ToArray();
        await ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = enis[0], PrivateIpAddresses = [.. addresses] });
        var instance = await ClusterEc2.LaunchAsync(clients[1], subnet, type: InstanceType.M5Large);

        // The victim: the process holding the subnet's grain, so that where every address is must come from Redis.
        using (var report = await ServeCluster.ReportAsync(processes[0]))
        {
            output.WriteLine(report.RootElement.GetProperty("silos").ToString());
        }

        var victim = await SubnetHostAsync(processes);
        Assert.True(victim >= 0, "no process holds the subnet's grain");
        var survivors = Enumerable.Range(0, 3).Where(i => i != victim).ToArray();

        // Churn: each worker moves its own addresses (so an address's moves are one after another), through every process.
        var books = addresses.ToDictionary(a => a, a => new AddressBook(enis[0]));
        var problems = new List<string>();
        using var stop = new CancellationTokenSource();
        var churn = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(21 + w);
            var via = new List<int> { 0, 1, 2 };
            var mine = addresses.Skip(w * AddressesPerWorker).Take(AddressesPerWorker).ToArray();
            var turn = w;
            while (!stop.IsCancellationRequested)
            {
                var address = mine[random.Next(mine.Length)];
                var target = enis[random.Next(Interfaces)];
                var process = via[turn++ % via.Count];
                var book = books[address];
                try
                {
                    await clients[process].AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
                    {
                        NetworkInterfaceId = target, PrivateIpAddresses = [address], AllowReassignment = true,
                    });
                    book.Acknowledged(target);
                }
                catch (AmazonEC2Exception error) when ((int)error.StatusCode >= 500)
                {
                    book.Unknown(target);
                }
                catch (HttpRequestException) when (process == victim)
                {
                    // The killed process: its connections are refused. The move may or may not have been made.
                    book.Unknown(target);
                    via.Remove(process);
                }
                catch (Exception error)
                {
                    book.Unknown(target);
                    lock (problems)
                    {
                        problems.Add($"{address} to {target} through process {process}: {error.GetType().Name} {error.Message}");
                    }
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // A metadata change pending when the process dies (the delay is 3 s): it must still show on the survivors.
        var pending = Assert.Single((await clients[survivors[0]].AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest
        {
            NetworkInterfaceId = instance.NetworkInterfaces[0].NetworkInterfaceId, SecondaryPrivateIpAddressCount = 1,
        })).AssignedPrivateIpAddresses).PrivateIpAddress;
        var killedAt = Stopwatch.StartNew();
        await processes[victim].KillAsync();

        // From the kill on: every interface answers again, for a write through its own grain and one through its subnet's.
        var answering = Task.WhenAll(enis.Select(async (eni, i) =>
        {
            var survivor = clients[survivors[0]];
            while (true)
            {
                try
                {
                    await survivor.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = eni, Description = "after" });
                    await survivor.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = eni, PrivateIpAddresses = [Probe(i)] });
                    return killedAt.Elapsed;
                }
                catch (AmazonEC2Exception error) when ((int)error.StatusCode >= 500 && killedAt.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(50);
                }
            }
        }));
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(churn);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var answered = await answering;
        output.WriteLine($"every interface answered {answered.Max().TotalSeconds:F1} s after the kill");
        Assert.True(answered.Max() < TimeSpan.FromSeconds(10), $"the last interface answered {answered.Max().TotalSeconds:F1} s after the kill");

        var seen = new List<Dictionary<string, string>>();
        foreach (var survivor in survivors)
        {
            var holders = await ClusterEc2.HoldersAsync(clients[survivor], enis);
            Assert.All(enis.Select((eni, i) => (eni, i)), p => Assert.Equal(p.eni, holders[Probe(p.i)]));
            holders = holders.Where(h => books.ContainsKey(h.Key)).ToDictionary();
            Assert.Equal(addresses.Order(StringComparer.Ordinal), holders.Keys.Order(StringComparer.Ordinal));
            foreach (var (address, eni) in holders)
            {
                Assert.True(books[address].Allows(eni), $"{address} is on {eni}, which no move of it acknowledged last or left unknown: {books[address]}");
            }

            seen.Add(holders);
        }

        Assert.Equal(seen[0], seen[1]);
        var unknown = books.Values.Sum(b => b.UnknownCount);
        output.WriteLine($"{books.Values.Sum(b => b.AcknowledgedCount)} moves acknowledged, {unknown} failed with a 5xx or a refused connection");

        // The pending metadata change shows on both survivors' metadata.
        foreach (var survivor in survivors)
        {
            await MetadataShowsAsync(processes[survivor], instance, pending);
        }

        // The killed process, restarted on its ports, rejoins and reads the same world.
        var (ec2Port, imdsPort, victimArgs) = ports[victim];
        var restarted = await cluster.Track(ServeProcess.StartAsync(null, ec2Port, imdsPort, victimArgs));
        (await ServeCluster.WaitForAsync(restarted, r => Active(r) == 3)).Dispose();
        var again = (await ClusterEc2.HoldersAsync(ClusterEc2.Client(restarted, TimeSpan.FromSeconds(20)), enis)).Where(h => books.ContainsKey(h.Key)).ToDictionary();
        Assert.Equal(seen[0], again);
    }

    [Fact]
    public async Task AClusterStartedAgainAfterAllItsProcessesDied_BeginsAnEmptyWorld_AndTheOldWorldsRecordsGo()
    {
        // Restarted on its silo port: Orleans declares the older silo there dead at once (on another port it would wait,
        // up to its 5-minute join limit, for a silo that never answers).
        string[] args = ["--cluster", cluster.Redis.Url, "--state", cluster.Redis.Url, "--cluster-id", "again",
            "--silo-port", $"{ServeProcess.FreePort()}", "--gateway-port", $"{ServeProcess.FreePort()}"];
        var first = await cluster.Track(ServeProcess.StartAsync(args));
        var ec2 = ClusterEc2.Client(first);
        var old = await ClusterEc2.SubnetAsync(ec2, "10.22.0.0/16");
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster.Redis.Port}");
        Assert.NotEmpty(await KeysAsync(redis, "harness/again/state/1/*"));
        await first.KillAsync();

        var second = await cluster.Track(ServeProcess.StartAsync(args));
        var again = ClusterEc2.Client(second);

        // Redis keeps what outlives a process, not a whole cluster: the old world is not half brought back.
        Assert.Empty((await again.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs ?? []);
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => again.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [old] }));
        Assert.Equal("InvalidSubnetID.NotFound", error.ErrorCode);
        var fresh = await ClusterEc2.SubnetAsync(again, "10.22.0.0/16");
        Assert.Single((await again.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [fresh] })).Subnets);
        var clock = Stopwatch.StartNew();
        while ((await KeysAsync(redis, "harness/again/state/1/*")).Count > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the old world's records are still in Redis");
            await Task.Delay(100);
        }

        Assert.NotEmpty(await KeysAsync(redis, "harness/again/state/2/*"));
    }

    [Fact]
    public async Task AProcessWithoutState_IsRefusedByAClusterThatKeepsIt()
    {
        await cluster.StartAsync("kept", "--state", cluster.Redis.Url);

        // It would change grains without writing their records, and a later activation would read stale ones back.
        var refused = await Assert.ThrowsAsync<ServeFailedException>(() => ServeProcess.StartAsync(cluster.Args("kept")));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"--state is 'memory' here but '{cluster.Redis.Url}/0' in the cluster", refused.Errors, StringComparison.Ordinal);
    }

    private static async Task<List<string>> KeysAsync(StackExchange.Redis.ConnectionMultiplexer redis, string pattern)
    {
        var keys = new List<string>();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: pattern))
        {
            keys.Add(key!);
        }

        return keys;
    }

    /// <summary>The address the probe after the kill puts on interface <paramref name="i"/>: no worker's.</summary>
    private static string Probe(int i) => $"10.21.1.{200 + i}";

    private string[] Args() =>
        ["--cluster", cluster.Redis.Url, "--state", cluster.Redis.Url, "--cluster-id", "durable", "--silo-port", $"{ServeProcess.FreePort()}",
         "--gateway-port", $"{ServeProcess.FreePort()}", "--propagation", "fixed(3s)"];

    /// <summary>The index of the process whose silo holds the subnet's grain (the test has one subnet): every address is its.</summary>
    private static async Task<int> SubnetHostAsync(List<ServeProcess> processes)
    {
        using var report = await ServeCluster.ReportAsync(processes[0]);
        var host = report.RootElement.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "active")
            .Single(s => s.GetProperty("grainsByKind").TryGetProperty("subnet", out var count) && count.GetInt32() > 0)
            .GetProperty("ec2Endpoint").GetString();
        return processes.FindIndex(p => p.Ec2Url.GetLeftPart(UriPartial.Authority) == host);
    }

    private static async Task MetadataShowsAsync(ServeProcess process, Instance instance, string address)
    {
        using var http = new HttpClient { BaseAddress = process.Ec2Url, Timeout = TimeSpan.FromSeconds(10) };
        using var described = JsonDocument.Parse(await http.GetStringAsync($"/_harness/instances/{instance.InstanceId}"));
        var endpoint = new Uri(described.RootElement.GetProperty("imdsEndpoint").GetString()!);
        var path = $"/latest/meta-data/network/interfaces/macs/{instance.NetworkInterfaces[0].MacAddress}/local-ipv4s";
        using var imds = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (!(await imds.GetStringAsync(path)).Contains(address, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{endpoint} never showed {address}");
            await Task.Delay(100);
        }
    }

    private static int Active(JsonDocument report) =>
        report.RootElement.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active");

    /// <summary>
    /// One address's moves, one at a time: where the last acknowledged one put it, and where moves since then that failed
    /// without an answer (a 5xx, a refused connection) may have put it.
    /// </summary>
    private sealed class AddressBook(string start)
    {
        private readonly HashSet<string> maybe = [];
        private string last = start;

        public int AcknowledgedCount { get; private set; }

        public int UnknownCount { get; private set; }

        public void Acknowledged(string eni)
        {
            (last, AcknowledgedCount) = (eni, AcknowledgedCount + 1);
            maybe.Clear();
        }

        public void Unknown(string eni)
        {
            maybe.Add(eni);
            UnknownCount++;
        }

        public bool Allows(string eni) => eni == last || maybe.Contains(eni);

        public override string ToString() => $"last acknowledged {last}, unknown since: {string.Join(", ", maybe)}";
    }
}
