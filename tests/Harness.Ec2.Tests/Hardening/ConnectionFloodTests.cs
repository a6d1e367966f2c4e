using System.Diagnostics;
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

    [Fact]
    public async Task IdleConnectionFlood_HarnessKeepsAnsweringAndStaysAlive()
    {
        var (soft, hard) = FileLimit.Raise();
        var count = (int)Math.Min(Wanted, soft - OwnReserve);
        output.WriteLine(count < Wanted
            ? $"the test process may open {soft} files (hard limit {hard}): flooding with {count} connections, not {Wanted}"
            : $"flooding with {count} connections (open-file limit {soft})");

        await using var serve = await ServeProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = serve.Ec2Url };
        var instanceId = await LaunchAsync(http);
        await ReadMetadataAsync(serve, instanceId).WaitAsync(TimeSpan.FromSeconds(30));

        var sockets = new List<Socket>(count);
        var failed = 0;
        var latencies = new List<TimeSpan>();
        try
        {
            var clock = Stopwatch.StartNew();
            using var stopProbes = new CancellationTokenSource();
            var probing = ProbeWhileAsync(serve, http, instanceId, latencies, stopProbes.Token);
            failed = await FloodAsync(serve, count, sockets);
            output.WriteLine($"opened {sockets.Count} connections in {clock.Elapsed.TotalSeconds:0.0} s; {failed} could not connect");

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
            Assert.True(latencies.Count >= 4, $"only {latencies.Count} calls completed during the flood");
            Assert.All(latencies, l => Assert.True(l < Bound, $"a call took {l.TotalSeconds:0.0} s during the flood"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // After: still there, still answering.
        Assert.False(serve.HasExited, "the harness died after the flood");
        await DescribeVpcsAsync(serve).WaitAsync(Bound);
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
