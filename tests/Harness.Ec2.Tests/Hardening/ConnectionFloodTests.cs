using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Harness.Host.Hardening;
using Harness.Testing;
using Xunit.Abstractions;

namespace Harness.Ec2.Tests.Hardening;

/// <summary>Opens its test process's descriptors by the ten thousand: nothing else may run beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FloodCollection
{
    public const string Name = "connection flood";
}

/// <summary>
/// A flood of idle TCP connections against <c>harness serve</c> in a child process: the harness keeps answering EC2 and
/// metadata calls during it and is alive after it. 50,000 connections where the test process may open them; fewer,
/// said in the output, where its hard open-file limit is lower.
/// </summary>
[Collection(FloodCollection.Name)]
public sealed class ConnectionFloodTests(ITestOutputHelper output)
{
    private const int Wanted = 50_000;

    /// <summary>Descriptors the test process keeps for itself (the runner, its HTTP clients, the child's pipes).</summary>
    private const int OwnReserve = 600;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>Connections one helper process opens: well inside the usual 20,000 descriptors a process may hold.</summary>
    private const int FlooderShare = 16_000;

    [Fact]
    public async Task IdleConnectionFlood_HarnessKeepsAnsweringAndStaysAlive()
    {
        var (soft, hard) = FileLimit.Raise();
        var count = (int)Math.Min(Wanted, soft - OwnReserve);

        // A process may hold only so many descriptors (20,000 on these machines, and no raising the hard limit): the rest
        // of the flood comes from helper processes, each from a loopback address of its own, so the harness meets all 50,000.
        var helpers = (Wanted - count + FlooderShare - 1) / FlooderShare;
        output.WriteLine($"flooding with {Wanted} connections: {count} from the test process (open-file limit {soft}, hard {hard})"
            + (helpers > 0 ? $" and {Wanted - count} from {helpers} helper process(es)" : ""));

        await using var serve = await ServeProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = serve.Ec2Url };
        var instanceId = await LaunchAsync(http);
        await ReadMetadataAsync(serve, instanceId).WaitAsync(TimeSpan.FromSeconds(30));

        var sockets = new List<Socket>(count);
        var disposables = new List<IDisposable>();
        var failed = 0;
        var latencies = new List<TimeSpan>();
        try
        {
            var clock = Stopwatch.StartNew();
            using var stopProbes = new CancellationTokenSource();
            var probing = ProbeWhileAsync(serve, http, instanceId, latencies, stopProbes.Token);
            var flooders = await Task.WhenAll(Enumerable.Range(0, helpers).Select(h =>
                Flooder.StartAsync(serve, Math.Min(FlooderShare, Wanted - count - (h * FlooderShare)), $"127.0.3.{h + 1}")));
            disposables.AddRange(flooders);
            failed = await FloodAsync(serve, count, sockets);
            var helperOpened = flooders.Sum(f => f.Opened);
            var helperFailed = flooders.Sum(f => f.Failed);
            output.WriteLine($"opened {sockets.Count + helperOpened} connections in {clock.Elapsed.TotalSeconds:0.0} s "
                + $"({helperOpened} of them from helpers); {failed + helperFailed} could not connect");

            // The flood held open: both kinds of call again, each on a connection of its own.
            latencies.Add(await TimedAsync(() => DescribeVpcsAsync(serve)));
            latencies.Add(await TimedAsync(() => ReadMetadataAsync(serve, instanceId)));
            await stopProbes.CancelAsync();
            await probing;

            var closedByHarness = sockets.Count(s => s.Poll(0, SelectMode.SelectRead) && s.Available == 0);
            output.WriteLine($"the harness closed {closedByHarness} of the held connections (evicted silent ones, or refused past its limit)");
            output.WriteLine($"{latencies.Count} calls during the flood; slowest {latencies.Max().TotalMilliseconds:0} ms");

            Assert.False(serve.HasExited, "the harness died in the flood");
            Assert.True(sockets.Count + failed == count);
            Assert.Equal(Wanted, count + flooders.Sum(f => f.Opened + f.Failed));
            Assert.True(latencies.Count >= 4, $"only {latencies.Count} calls completed during the flood");
            Assert.All(latencies, l => Assert.True(l < Bound, $"a call took {l.TotalSeconds:0.0} s during the flood"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            foreach (var flooder in disposables)
            {
                flooder.Dispose();
            }
        }

        // After: still there, still answering.
        Assert.False(serve.HasExited, "the harness died after the flood");
        await DescribeVpcsAsync(serve).WaitAsync(Bound);
    }

    /// <summary>
    /// A flood three times the harness's open-file limit: the harness never holds its last descriptors (there the
    /// runtime itself fails and the process dies with "Out of memory."), keeps answering, and is alive after it.
    /// </summary>
    [Fact]
    public async Task FloodPastALowOpenFileLimit_HarnessStaysWithinItAndAnswers()
    {
        const int Limit = 2_048;
        await using var serve = await ServeProcess.StartAsync(fileLimit: Limit);
        using var http = new HttpClient { BaseAddress = serve.Ec2Url };
        var instanceId = await LaunchAsync(http);

        var sockets = new List<Socket>();
        var most = 0;
        try
        {
            using var stopWatching = new CancellationTokenSource();
            var watching = Task.Run(async () =>
            {
                while (!stopWatching.IsCancellationRequested && !serve.HasExited)
                {
                    most = Math.Max(most, OpenDescriptors(serve.Id));
                    await Task.Delay(20, CancellationToken.None);
                }
            });
            var failed = await FloodAsync(serve, 3 * Limit, sockets);
            await DescribeVpcsAsync(serve).WaitAsync(Bound);
            await ReadMetadataAsync(serve, instanceId).WaitAsync(Bound);
            await stopWatching.CancelAsync();
            await watching;
            output.WriteLine($"opened {sockets.Count} connections, {failed} could not connect; the harness held at most {most} descriptors of {Limit}");

            Assert.False(serve.HasExited, "the harness died in the flood");
            // The harness keeps a reserve of its descriptors out of reach of connections (a tenth, at least 512).
            Assert.True(most is > 0 and <= Limit - 128, $"the harness held {most} descriptors of {Limit}");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        await DescribeVpcsAsync(serve).WaitAsync(Bound);
    }

    /// <summary>How many descriptors process <paramref name="id"/> has open; 0 once it is gone.</summary>
    private static int OpenDescriptors(int id)
    {
        try
        {
            return Directory.GetFiles($"/proc/{id}/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Opens <paramref name="count"/> connections, alternately to the EC2 and metadata ports, 256 at a time; answers how many failed.</summary>
    private static async Task<int> FloodAsync(ServeProcess serve, int count, List<Socket> sockets)
    {
        var failed = 0;
        using var gate = new SemaphoreSlim(256);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, i % 2 == 0 ? serve.Ec2Url.Port : serve.ImdsPort), timeout.Token);
                lock (sockets)
                {
                    sockets.Add(socket);
                }
            }
            catch (Exception error) when (error is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                Interlocked.Increment(ref failed);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return failed;
    }

    /// <summary>
    /// A helper process (python3) that opens its share of the flood from a loopback address of its own, alternately to the
    /// EC2 and metadata ports, says how many it opened, and holds them until its standard input closes.
    /// </summary>
    private sealed class Flooder : IDisposable
    {
        private const string Script = """
            import resource, socket, sys
            ec2, imds, count, source = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            held, failed = [], 0
            for i in range(count):
                s = socket.socket()
                s.settimeout(5)
                try:
                    s.bind((source, 0))
                    s.connect(("127.0.0.1", ec2 if i % 2 == 0 else imds))
                    held.append(s)
                except OSError:
                    s.close()
                    failed += 1
            print(f"{len(held)} {failed}", flush=True)
            sys.stdin.read()
            """;

        private readonly Process process;

        private Flooder(Process process, int opened, int failed) => (this.process, Opened, Failed) = (process, opened, failed);

        public int Opened { get; }

        public int Failed { get; }

        public static async Task<Flooder> StartAsync(ServeProcess serve, int count, string source)
        {
            var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[] { "-c", Script, serve.Ec2Url.Port.ToString(CultureInfo.InvariantCulture),
                serve.ImdsPort.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), source })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))
                ?? throw new InvalidOperationException("a flooder exited without saying what it opened");
            var parts = line.Split(' ');
            return new Flooder(process, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
            }

            process.Dispose();
        }
    }

    /// <summary>A DescribeVpcs and a metadata read, one after the other, until told to stop; each must succeed.</summary>
    private static async Task ProbeWhileAsync(ServeProcess serve, HttpClient http, string instanceId, List<TimeSpan> latencies, CancellationToken stop)
    {
        _ = http;
        while (!stop.IsCancellationRequested)
        {
            latencies.Add(await TimedAsync(() => DescribeVpcsAsync(serve)));
            latencies.Add(await TimedAsync(() => ReadMetadataAsync(serve, instanceId)));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<TimeSpan> TimedAsync(Func<Task> call)
    {
        var clock = Stopwatch.StartNew();
        await call().WaitAsync(Bound * 2);
        return clock.Elapsed;
    }

    /// <summary>A fresh client, so each call needs a new connection: the hard case during a flood.</summary>
    private static HttpClient Fresh(Uri baseAddress) =>
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = baseAddress, Timeout = Bound * 2 };

    private static async Task DescribeVpcsAsync(ServeProcess serve)
    {
        using var http = Fresh(serve.Ec2Url);
        using var request = Ec2QueryRequest.Create("DescribeVpcs");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task ReadMetadataAsync(ServeProcess serve, string instanceId)
    {
        using var http = Fresh(new Uri($"http://127.0.0.1:{serve.ImdsPort}"));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");
        tokenRequest.Headers.Add("X-Harness-Instance-Id", instanceId);
        using var tokenResponse = await http.SendAsync(tokenRequest);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        using var read = new HttpRequestMessage(HttpMethod.Get, "/latest/meta-data/instance-id");
        read.Headers.Add("X-aws-ec2-metadata-token", await tokenResponse.Content.ReadAsStringAsync());
        read.Headers.Add("X-Harness-Instance-Id", instanceId);
        using var response = await http.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(instanceId, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A VPC, a subnet and an instance, and its metadata delivered; answers the instance's id.</summary>
    private static async Task<string> LaunchAsync(HttpClient http)
    {
        async Task<XElement> CallAsync(string action, Dictionary<string, string> parameters)
        {
            using var request = Ec2QueryRequest.Create(action, parameters);
            using var response = await http.SendAsync(request);
            var body = XElement.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(response.IsSuccessStatusCode, body.ToString());
            return body;
        }

        string First(XElement body, string name) => body.Descendants(HarnessServer.Ec2 + name).First().Value;

        var vpc = First(await CallAsync("CreateVpc", new() { ["CidrBlock"] = "10.9.0.0/16" }), "vpcId");
        var subnet = First(await CallAsync("CreateSubnet", new() { ["VpcId"] = vpc, ["CidrBlock"] = "10.9.1.0/24" }), "subnetId");
        var instance = First(await CallAsync("RunInstances", new()
        {
            ["ImageId"] = "ami-0123456789abcdef0", ["InstanceType"] = "t3.micro", ["MinCount"] = "1", ["MaxCount"] = "1", ["SubnetId"] = subnet,
        }), "instanceId");
        using var flush = await http.PostAsync("/_harness/propagation/flush", new StringContent("", null, "application/json"));
        Assert.True(flush.IsSuccessStatusCode, $"flush answered {(int)flush.StatusCode}");
        return instance;
    }
}
