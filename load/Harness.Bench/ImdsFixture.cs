using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Harness.Bench;

/// <summary>The instance the IMDS benchmark reads, and the reply it gets; the bare endpoint serves the same bytes.</summary>
internal sealed record ImdsFixtureResult(
    int Instances,
    int Batch,
    int Parallel,
    string InstanceType,
    double RegisterSeconds,
    double InstancesPerSecond,
    string InstanceId,
    string ImdsEndpoint,
    string Mac,
    string Url,
    string Body,
    List<string> Headers);

/// <summary>
/// `imds-fixture`: registers instances through the EC2 API (one VPC and one /16 subnet, RunInstances in batches of
/// MinCount = MaxCount, a few batches in flight), checks the harness lists them all, picks one, and writes its
/// <c>local-ipv4s</c> URL and reply for the throughput rounds.
/// </summary>
internal static class ImdsFixture
{
    private const string Path = "/latest/meta-data/network/interfaces/macs/{0}/local-ipv4s";

    public static async Task<int> RunAsync(CommandLine args)
    {
        var target = new Uri(args.Get("target") ?? throw new ArgumentException("--target is required"));
        var instances = args.GetInt("instances", 10_000);
        var batch = Math.Clamp(args.GetInt("batch", 500), 1, instances);
        var parallel = Math.Max(1, args.GetInt("parallel", 4));
        var instanceType = args.Get("instance-type", "t3.micro");
        var pick = args.Get("pick", "last");
        var output = args.Get("out") ?? throw new ArgumentException("--out is required");
        var bodyFile = args.Get("body-file") ?? throw new ArgumentException("--body-file is required");
        var headersFile = args.Get("headers-file");

        using var client = new QueryClient(target, parallel);
        var clock = Stopwatch.StartNew();
        var subnet = await Ec2Fixture.CreateVpcAndSubnetAsync(client, "10.0.0.0/16");
        var counts = Enumerable.Range(0, (instances + batch - 1) / batch).Select(b => Math.Min(batch, instances - (b * batch))).ToList();
        var launched = 0;
        await Parallel.ForEachAsync(counts, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (count, _) =>
        {
            var body = await client.RequireAsync(
                "RunInstances",
                Inv($"ImageId=ami-12345678&InstanceType={instanceType}&MinCount={count}&MaxCount={count}&SubnetId={subnet}"));
            var got = Xml.AllWithin(body, "instancesSet", "instanceId").Distinct(StringComparer.Ordinal).Count();
            if (got != count)
            {
                throw new InvalidOperationException($"RunInstances MinCount={count} launched {got}");
            }

            Interlocked.Add(ref launched, got);
        });
        clock.Stop();
        Console.Error.WriteLine(Inv($"[imds-fixture] {launched:N0} {instanceType} instances in {clock.Elapsed.TotalSeconds:F2} s ({launched / clock.Elapsed.TotalSeconds:N0}/s), batches of {batch}, {parallel} in flight"));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var listed = JsonDocument.Parse(await http.GetStringAsync(new Uri(target, "/_harness/instances")))
            .RootElement.GetProperty("instances").EnumerateArray()
            .Select(i => (Id: i.GetProperty("instanceId").GetString()!, Address: i.GetProperty("imdsAddress").GetString()!))
            .ToList();
        if (listed.Count != instances)
        {
            throw new InvalidOperationException($"the harness lists {listed.Count} instances, expected {instances}");
        }

        // The list is ordered by address; "last" is the 10,000th address handed out.
        var chosen = pick switch
        {
            "first" => listed[0],
            "middle" => listed[listed.Count / 2],
            _ => listed[^1],
        };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(target, "/_harness/instances/" + chosen.Id)));
        var endpoint = document.RootElement.GetProperty("imdsEndpoint").GetString()!;
        var mac = document.RootElement.GetProperty("mac").GetString()!;
        var url = endpoint + string.Format(CultureInfo.InvariantCulture, Path, mac);
        using var response = await http.GetAsync(new Uri(url));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode || bytes.Length == 0)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}");
        }

        await File.WriteAllBytesAsync(bodyFile, bytes);
        var headers = ImdsThroughput.HeadersOf(response);
        if (headersFile is not null)
        {
            await File.WriteAllLinesAsync(headersFile, headers);
        }

        var result = new ImdsFixtureResult(
            instances, batch, parallel, instanceType,
            Math.Round(clock.Elapsed.TotalSeconds, 2), Math.Round(instances / clock.Elapsed.TotalSeconds),
            chosen.Id, endpoint, mac, url, System.Text.Encoding.UTF8.GetString(bytes),
            headers);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, RunCommand.Json));
        Console.Error.WriteLine($"[imds-fixture] {chosen.Id} at {endpoint}: GET {url} -> {bytes.Length} bytes; {string.Join("; ", headers)}");
        Console.WriteLine(url);
        return 0;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
